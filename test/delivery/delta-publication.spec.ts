import { applyDelta } from 'fossil-delta';
import { DeltaBases } from '../../lib/delivery/delta-bases.js';
import { jsonCodec, protobufCodec } from '../../lib/protocol/codecs.js';

const big = (n: number) => ({ n, text: 'the same long text in every publication '.repeat(20) });
const pushOf = (bytes: Buffer | undefined) => JSON.parse(bytes!.toString()).push.pub;

describe('DeltaPublication and DeltaBases', () => {
  const errors: unknown[] = [];
  const bases = () => new DeltaBases((_channel, _codec, err) => errors.push(err));

  it('gives the delta only to a subscriber holding the previous publication; any other base gets full data', () => {
    const b = bases();
    const first = b.next('c', { data: big(1) });
    const second = b.next('c', { data: big(2) });
    const delta = pushOf(second.for(jsonCodec, first.seq));
    expect(delta.delta).toBe(true);
    const decoded = applyDelta(first.text(), Buffer.from(delta.data));
    expect(JSON.parse(Buffer.from(decoded).toString())).toEqual(big(2));
    for (const held of [undefined, first.seq - 1, second.seq]) {
      const full = pushOf(second.for(jsonCodec, held));
      expect(full.delta).toBeUndefined();
      expect(JSON.parse(full.data)).toEqual(big(2));
    }
  });

  it('sends full data when the delta would be no smaller', () => {
    const b = bases();
    const first = b.next('c', { data: { a: 1 } });
    const second = b.next('c', { data: { b: 'unrelated' } });
    expect(pushOf(second.for(jsonCodec, first.seq)).delta).toBeUndefined();
  });

  it('keeps channels apart, and a forgotten channel starts again from full data', () => {
    const b = bases();
    const a1 = b.next('a', { data: big(1) });
    b.next('b', { data: big(100) });
    const a2 = b.next('a', { data: big(2) });
    expect(pushOf(a2.for(jsonCodec, a1.seq)).delta).toBe(true);
    b.forget('a');
    expect(b.size).toBe(1);
    const a3 = b.next('a', { data: big(3) });
    expect(pushOf(a3.for(jsonCodec, a2.seq)).delta).toBeUndefined();
  });

  it('lets a settled publication go of the one before it, so a channel holds one base', () => {
    const b = bases();
    const first = b.next('c', { data: big(1) });
    const second = b.next('c', { data: big(2) });
    b.next('c', { data: big(3) });
    // Settled by the third: the second no longer reaches the first, so it can only send full data.
    expect(pushOf(second.for(jsonCodec, first.seq)).delta).toBeUndefined();
  });

  it('carries bytes to protobuf subscribers and text to JSON ones', () => {
    const b = bases();
    const first = b.next('c', { data: big(1), offset: 1, tags: { t: 'x' } });
    const second = b.next('c', { data: big(2), offset: 2, tags: { t: 'y' } });
    const json = pushOf(second.for(jsonCodec, first.seq));
    expect(json).toMatchObject({ offset: 2, tags: { t: 'y' }, delta: true });
    expect(typeof json.data).toBe('string');
    const binary = second.for(protobufCodec, first.seq)!;
    expect(binary.includes(Buffer.from(json.data))).toBe(true);
    expect(errors).toEqual([]);
  });
});

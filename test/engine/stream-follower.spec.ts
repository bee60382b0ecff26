import type { HistoryPage } from '../../lib/history/history-store.interface.js';
import { StreamFollower } from '../../lib/engine/stream-follower.js';
import type { Publication, StreamPosition } from '../../lib/protocol/frames.js';

const EPOCH = 'e1';
const pub = (offset: number, epoch = EPOCH): [Publication, StreamPosition] => [{ data: offset, offset }, { offset, epoch }];

/**
 * A follower over a history the test holds: reads wait until the test answers them, so what
 * arrives while a gap is being filled is placed exactly.
 */
function harness() {
  const delivered: number[] = [];
  const lost: string[] = [];
  const reasons: string[] = [];
  const reads: Array<{ channel: string; since: StreamPosition; answer: (offsets: number[] | Error) => void }> = [];
  const follower = new StreamFollower({
    read: (channel, since) =>
      new Promise<HistoryPage>((resolve, reject) =>
        reads.push({
          channel,
          since,
          answer: (offsets) => (offsets instanceof Error ? reject(offsets) : resolve({ offset: offsets.at(-1) ?? since.offset, epoch: since.epoch, publications: offsets.map((o) => pub(o)[0]) })),
        }),
      ),
    deliver: (_channel, publication) => delivered.push(publication.data as number),
    lost: (channel, reason) => {
      lost.push(channel);
      reasons.push((reason as Error).message);
    },
  });
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  return { follower, delivered, lost, reasons, reads, settle };
}

describe('StreamFollower', () => {
  it('delivers publications in order, dropping those already delivered', () => {
    const { follower, delivered, reads } = harness();
    for (const o of [1, 2, 3, 2, 3, 4]) follower.publication('c', ...pub(o));
    expect(delivered).toEqual([1, 2, 3, 4]);
    expect(reads).toHaveLength(0);
  });

  it('fills a skipped offset from history before what came after it, holding what arrives meanwhile', async () => {
    const { follower, delivered, reads, settle } = harness();
    follower.publication('c', ...pub(1));
    follower.publication('c', ...pub(4));
    follower.publication('c', ...pub(5));
    expect(delivered).toEqual([1]);
    expect(reads.map((r) => r.since)).toEqual([{ offset: 1, epoch: EPOCH }]);
    reads[0]!.answer([2, 3, 4]);
    await settle();
    expect(delivered).toEqual([1, 2, 3, 4, 5]);
    follower.publication('c', ...pub(6));
    expect(delivered).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('reads what a lost broker connection missed, in every channel it follows', async () => {
    const { follower, delivered, reads, settle } = harness();
    follower.publication('a', ...pub(1));
    follower.follow('b', { offset: 7, epoch: EPOCH });
    follower.gap();
    expect(reads.map((r) => [r.channel, r.since.offset])).toEqual([
      ['a', 1],
      ['b', 7],
    ]);
    follower.publication('a', ...pub(4));
    reads[0]!.answer([2, 3]);
    reads[1]!.answer([]);
    await settle();
    expect(delivered).toEqual([1, 2, 3, 4]);
  });

  it('starts from the top it was given, delivering what was published before it whose message is late', () => {
    const { follower, delivered, reads } = harness();
    follower.follow('c', { offset: 5, epoch: EPOCH });
    follower.follow('c', { offset: 9, epoch: EPOCH });
    follower.publication('c', ...pub(5));
    follower.publication('c', ...pub(6));
    follower.publication('c', ...pub(6));
    expect(delivered).toEqual([5, 6]);
    follower.publication('c', ...pub(8));
    expect(reads.map((r) => r.since.offset)).toEqual([6]);
  });

  it('reads again when a hole remains after the read, and when a gap is reported during one', async () => {
    const { follower, delivered, reads, settle } = harness();
    follower.publication('c', ...pub(1));
    follower.publication('c', ...pub(3));
    follower.publication('c', ...pub(6));
    follower.gap();
    reads[0]!.answer([2, 3]);
    await settle();
    expect(delivered).toEqual([1, 2, 3]);
    expect(reads[1]!.since.offset).toBe(3);
    reads[1]!.answer([4, 5]);
    await settle();
    expect(delivered).toEqual([1, 2, 3, 4, 5, 6]);
    expect(reads[2]!.since.offset).toBe(6);
    reads[2]!.answer([]);
    await settle();
    expect(reads).toHaveLength(3);
  });

  it('gives the channel up when history cannot fill the gap, then follows it afresh', async () => {
    const { follower, delivered, lost, reasons, reads, settle } = harness();
    follower.publication('trimmed', ...pub(1));
    follower.publication('trimmed', ...pub(9));
    reads[0]!.answer([5, 6, 7, 8, 9]);
    follower.publication('away', ...pub(1));
    follower.publication('away', ...pub(3));
    reads[1]!.answer(new Error('Redis away'));
    await settle();
    expect(lost).toEqual(['trimmed', 'away']);
    expect(reasons).toEqual(['history starts at 5, after 2', 'Redis away']);
    expect(delivered).toEqual([1, 1]);
    expect(follower.follows('trimmed')).toBe(false);
    follower.publication('trimmed', ...pub(10));
    expect(delivered).toEqual([1, 1, 10]);
  });

  it('gives up when the stream restarted under another epoch while reading', async () => {
    const { follower, lost, reasons, reads, settle } = harness();
    follower.publication('c', ...pub(1));
    follower.publication('c', ...pub(3));
    follower.publication('c', ...pub(1, 'e2'));
    reads[0]!.answer([2]);
    await settle();
    expect(lost).toEqual(['c']);
    expect(reasons).toEqual(['the stream restarted as epoch e2']);
  });

  it('delivers what it held after the read, in offset order, even when the read ends below it', async () => {
    const { follower, delivered, reads, settle } = harness();
    follower.publication('c', ...pub(1));
    follower.gap();
    follower.publication('c', ...pub(5));
    follower.publication('c', ...pub(4));
    follower.publication('c', ...pub(3));
    reads[0]!.answer([2]);
    await settle();
    expect(delivered).toEqual([1, 2, 3, 4, 5]);
    follower.publication('c', ...pub(7));
    reads[1]!.answer([]);
    await settle();
    follower.publication('c', ...pub(6));
    expect(delivered).toEqual([1, 2, 3, 4, 5]);
  });

  it('keeps the publication that showed the gap for after the read', async () => {
    const { follower, delivered, reads, settle } = harness();
    follower.publication('c', ...pub(1));
    follower.publication('c', ...pub(3));
    reads[0]!.answer([2]);
    await settle();
    expect(delivered).toEqual([1, 2, 3]);
  });

  it('once it has read from history, takes a late copy of what it delivered as a duplicate', async () => {
    const { follower, delivered, reads, settle } = harness();
    follower.follow('c', { offset: 5, epoch: EPOCH });
    follower.gap();
    reads[0]!.answer([6, 7]);
    await settle();
    follower.publication('c', ...pub(6));
    follower.publication('c', ...pub(8));
    expect(delivered).toEqual([6, 7, 8]);
  });

  it('reports nothing for a channel forgotten while its read was failing', async () => {
    const { follower, lost, reads, settle } = harness();
    follower.publication('c', ...pub(1));
    follower.publication('c', ...pub(3));
    follower.forget('c');
    follower.publication('c', ...pub(4));
    reads[0]!.answer(new Error('Redis away'));
    await settle();
    expect(lost).toEqual([]);
    expect(follower.follows('c')).toBe(true);
  });

  it('starts over on a new epoch when not reading, its subscribers sent to recover, and forgets a channel left', async () => {
    const { follower, delivered, lost, reasons, reads, settle } = harness();
    follower.publication('c', ...pub(5));
    follower.publication('c', ...pub(1, 'e2'));
    follower.publication('c', ...pub(1, 'e2'));
    expect(delivered).toEqual([5, 1]);
    expect(lost).toEqual(['c']);
    expect(reasons).toEqual(['the stream restarted as epoch e2']);
    follower.publication('c', ...pub(3, 'e2'));
    follower.forget('c');
    reads[0]!.answer([2]);
    await settle();
    expect(delivered).toEqual([5, 1]);
    expect(follower.follows('c')).toBe(false);
  });
});

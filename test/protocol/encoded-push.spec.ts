import type { Codec } from '../../lib/protocol/codec.js';
import { jsonCodec, protobufCodec, codecForUpgrade } from '../../lib/protocol/codecs.js';
import { EncodedPush } from '../../lib/protocol/encoded-push.js';
import type { Push } from '../../lib/protocol/frames.js';

/** Wraps a real codec to count its encodings (or make them fail). */
function counting(codec: Codec, fail = false): Codec & { calls: number } {
  const wrapped = Object.create(codec) as Codec & { calls: number };
  wrapped.calls = 0;
  wrapped.encodePush = (push: Push) => {
    wrapped.calls++;
    if (fail) throw new Error('cannot encode');
    return codec.encodePush(push);
  };
  return wrapped;
}

describe('EncodedPush', () => {
  const push: Push = { channel: 'chat:a', pub: { data: { text: 'hi' }, offset: 1 } };

  it('encodes once per codec, on first use, and hands every subscriber the same bytes', () => {
    const json = counting(jsonCodec);
    const protobuf = counting(protobufCodec);
    const encoded = new EncodedPush(push, () => undefined);
    const first = encoded.for(json);
    expect(first?.toString()).toBe('{"push":{"channel":"chat:a","pub":{"data":{"text":"hi"},"offset":1}}}');
    expect(encoded.for(json)).toBe(first);
    expect(json.calls).toBe(1);
    expect(protobuf.calls).toBe(0);
    expect(encoded.for(protobuf)).toEqual(protobufCodec.encodePush(push));
    encoded.for(protobuf);
    expect(protobuf.calls).toBe(1);
  });

  it('builds the push per codec when given a function', () => {
    const encoded = new EncodedPush((codec) => ({ channel: codec.name, pub: { data: 1 } }), () => undefined);
    expect(encoded.for(jsonCodec)?.toString()).toBe('{"push":{"channel":"json","pub":{"data":1}}}');
  });

  it('reports a failed encoding once per codec and skips the push for it', () => {
    const failing = counting(jsonCodec, true);
    const errors: string[] = [];
    const encoded = new EncodedPush(push, (codec, err) => errors.push(`${codec.name}: ${(err as Error).message}`));
    expect(encoded.for(failing)).toBeUndefined();
    expect(encoded.for(failing)).toBeUndefined();
    expect(failing.calls).toBe(1);
    expect(errors).toEqual(['json: cannot encode']);
    expect(encoded.for(protobufCodec)).toBeInstanceOf(Buffer);
  });
});

describe('codecForUpgrade', () => {
  it.each([
    ['centrifuge-protobuf', '/connection/websocket', 'protobuf'],
    ['', '/connection/websocket?format=protobuf', 'protobuf'],
    ['', '/connection/websocket?cf_ws_frame_ping_pong=true&format=protobuf', 'protobuf'],
    ['', '/connection/websocket?format=json', 'json'],
    ['', '/connection/websocket', 'json'],
    ['', undefined, 'json'],
    ['other', '/connection/websocket', 'json'],
  ])('subprotocol %j at %s speaks %s', (subprotocol, url, name) => {
    expect(codecForUpgrade(subprotocol, url).name).toBe(name);
  });
});

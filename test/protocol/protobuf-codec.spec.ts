import protobuf from 'protobufjs';
import { CommandType, ReplyType } from '../../lib/protocol/client-proto.js';
import { ProtobufCodec } from '../../lib/protocol/protobuf-codec.js';
import { DisconnectError } from '../../lib/protocol/protocol-error.js';

const codec = new ProtobufCodec();
const json = (value: unknown) => Buffer.from(JSON.stringify(value));

/** One or more `Command`s as the SDK's protobuf build writes them: each prefixed by its length. */
function frame(...commands: Array<Record<string, unknown>>): Buffer {
  return Buffer.concat(commands.map((c) => Buffer.from(CommandType.encodeDelimited(CommandType.fromObject(c)).finish())));
}

function decodeError(input: Buffer): DisconnectError {
  try {
    codec.decode(input);
  } catch (err) {
    return err as DisconnectError;
  }
  throw new Error('decoded');
}

/** A frame of replies read back as the SDK would: length-delimited `Reply`s, bytes fields left as bytes. */
function replies(bytes: Buffer): Array<Record<string, unknown>> {
  const reader = protobuf.Reader.create(bytes);
  const out: Array<Record<string, unknown>> = [];
  while (reader.pos < reader.len) out.push(ReplyType.toObject(ReplyType.decodeDelimited(reader), { longs: Number, bytes: String }));
  return out;
}

describe('ProtobufCodec', () => {
  it('decodes several length-prefixed commands, JSON payload bytes into values', () => {
    const commands = codec.decode(
      frame(
        { id: 1, connect: { token: 't', data: json({ hello: 'x' }), headers: { a: 'b' }, subs: { 'chat:a': { recover: true, offset: 3, epoch: 'e' } } } },
        { id: 2, publish: { channel: 'chat:a', data: json([1, 'two']) } },
        { id: 3, history: { channel: 'chat:a', limit: 5, since: { offset: 7, epoch: 'e' }, reverse: true } },
      ),
    );
    expect(commands).toEqual([
      { id: 1, method: 'connect', request: { token: 't', data: { hello: 'x' }, headers: { a: 'b' }, subs: { 'chat:a': { recover: true, offset: 3, epoch: 'e' } } } },
      { id: 2, method: 'publish', request: { channel: 'chat:a', data: [1, 'two'] } },
      { id: 3, method: 'history', request: { channel: 'chat:a', limit: 5, since: { offset: 7, epoch: 'e' }, reverse: true } },
    ]);
  });

  it('reads an empty command as a pong, an id-less send as a message, and empty bytes as no data', () => {
    expect(codec.decode(frame({}))).toEqual([{ id: 0, method: 'pong', request: {} }]);
    expect(codec.decode(frame({ send: { data: json({ x: 1 }) } }))).toEqual([{ id: 0, method: 'send', request: { data: { x: 1 } } }]);
    expect(codec.decode(frame({ id: 4, rpc: { method: 'echo', data: Buffer.alloc(0) } }))).toEqual([{ id: 4, method: 'rpc', request: { method: 'echo' } }]);
  });

  it('answers a payload that is not JSON with the command refused (107), not the connection', () => {
    const [command] = codec.decode(frame({ id: 5, publish: { channel: 'chat:a', data: Buffer.from('not json') } }));
    expect(command).toEqual({ id: 5, method: 'publish', request: {}, badData: 'publish.data is not JSON' });
    const nested = Buffer.from('['.repeat(101) + ']'.repeat(101));
    const [deep] = codec.decode(frame({ id: 6, rpc: { data: nested } }));
    expect(deep).toMatchObject({ badData: 'rpc.data is JSON nested deeper than 100' });
    const [ok] = codec.decode(frame({ id: 7, rpc: { data: Buffer.from('['.repeat(100) + ']'.repeat(100)) } }));
    expect(ok).toMatchObject({ request: { data: expect.any(Array) } });
    expect(ok).not.toHaveProperty('badData');
    const long = { text: 'x'.repeat(500), list: [[1], [2], [3]] };
    expect(codec.decode(frame({ id: 8, rpc: { data: json(long) } }))).toEqual([{ id: 8, method: 'rpc', request: { data: long } }]);
  });

  it.each([
    ['bytes that are not protobuf', Buffer.from([0x05, 0xff, 0xff]), 'malformed protobuf'],
    ['an empty frame', Buffer.alloc(0), 'empty frame'],
    ['an id and no method', frame({ id: 1 }), 'unknown command'],
    ['two methods in one command', frame({ id: 1, presence: { channel: 'a' }, history: { channel: 'a' } }), 'more than one method in a command'],
    ['a method clients may not send', frame({ id: 1, ping: {} }), 'ping is not a client command'],
    ['a command without an id', frame({ subscribe: { channel: 'a' } }), 'subscribe without id'],
    ['a request its schema refuses', frame({ id: 1, subscribe: {} }), 'subscribe.channel is required'],
  ])('refuses %s with 3501', (_, input, detail) => {
    const err = decodeError(input);
    expect(err).toBeInstanceOf(DisconnectError);
    expect(err.code).toBe(3501);
    expect(err.detail).toBe(detail);
  });

  it('encodes values as JSON bytes, keeps bytes as they are, and rounds fractional seconds up', () => {
    const reply = codec.encodeReply({
      id: 9,
      connect: { client: 'c', version: '1', ping: 0.2, data: { a: 1 }, subs: { 'chat:a': { recoverable: true, publications: [{ data: 'x', offset: 2, tags: { t: 'v' } }] } } },
    } as never);
    const [decoded] = replies(reply);
    const connect = decoded!.connect as Record<string, unknown>;
    expect(connect).toMatchObject({ client: 'c', version: '1', ping: 1 });
    expect(Buffer.from(connect.data as string, 'base64').toString()).toBe('{"a":1}');
    const sub = (connect.subs as Record<string, { recoverable: boolean; publications: Array<{ data: string; offset: number; tags: unknown }> }>)['chat:a']!;
    expect(sub.recoverable).toBe(true);
    expect(sub.publications).toHaveLength(1);
    expect(Buffer.from(sub.publications[0]!.data, 'base64').toString()).toBe('"x"');
    expect(sub.publications[0]).toMatchObject({ offset: 2, tags: { t: 'v' } });

    const delta = codec.encodePush({ channel: 'chat:a', pub: { data: new Uint8Array([1, 2, 3]) as never, delta: true } });
    const [push] = replies(delta);
    const pub = (push!.push as { pub: { data: string; delta: boolean } }).pub;
    expect([...Buffer.from(pub.data, 'base64')]).toEqual([1, 2, 3]);
    expect(pub.delta).toBe(true);
  });

  it('leaves out fields given as null, as absent ones', () => {
    const [decoded] = replies(codec.encodePush({ channel: 'chat:a', pub: { data: 1, info: null, tags: null } as never }));
    expect(decoded).toEqual({ push: { channel: 'chat:a', pub: { data: Buffer.from('1').toString('base64') } } });
  });

  it('joins replies by concatenation (each carries its length) and hands one back as it is', () => {
    const one = codec.encodeReply({ id: 1, publish: {} } as never);
    const two = codec.encodePush({ channel: 'a', pub: { data: 1 } });
    expect(codec.join([one])).toBe(one);
    expect(replies(codec.join([one, two])).map((r) => Object.keys(r))).toEqual([['id', 'publish'], ['push']]);
  });
});

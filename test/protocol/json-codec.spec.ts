import { JsonCodec } from '../../lib/protocol/json-codec.js';
import { DisconnectError } from '../../lib/protocol/protocol-error.js';

const codec = new JsonCodec();
const decode = (s: string) => codec.decode(Buffer.from(s));

function decodeError(s: string): DisconnectError {
  try {
    decode(s);
  } catch (err) {
    return err as DisconnectError;
  }
  throw new Error(`decoded ${s}`);
}

describe('JsonCodec', () => {
  it('decodes newline-separated commands and skips blank lines', () => {
    const commands = decode('{"id":1,"connect":{"token":"t"}}\n\n{"id":2,"subscribe":{"channel":"a"}}\n');
    expect(commands).toEqual([
      { id: 1, method: 'connect', request: { token: 't' } },
      { id: 2, method: 'subscribe', request: { channel: 'a' } },
    ]);
  });

  it('reads an empty object as a pong and an id-less send as a message', () => {
    expect(decode('{}')).toEqual([{ id: 0, method: 'pong', request: {} }]);
    expect(decode('{"send":{"data":{"x":1}}}')).toEqual([{ id: 0, method: 'send', request: { data: { x: 1 } } }]);
  });

  it('drops unknown fields and treats null as absent', () => {
    expect(decode('{"id":3,"subscribe":{"channel":"a","flag":1,"offset":null,"evil":"x"}}')).toEqual([
      { id: 3, method: 'subscribe', request: { channel: 'a' } },
    ]);
  });

  it('keeps data as raw JSON values', () => {
    const [cmd] = decode('{"id":1,"publish":{"channel":"a","data":[1,"two",{"three":3}]}}');
    expect(cmd!.request).toEqual({ channel: 'a', data: [1, 'two', { three: 3 }] });
  });

  it.each([
    ['not json', 'malformed JSON'],
    ['[]', 'command must be an object'],
    ['{"id":1}', 'unknown command'],
    ['{"id":-2,"connect":{}}', 'non-negative integer'],
    ['{"id":4294967296,"connect":{}}', 'non-negative integer'],
    ['{"id":1.5,"connect":{}}', 'non-negative integer'],
    ['{"id":"1","connect":{}}', 'non-negative integer'],
    ['null', 'command must be an object'],
    ['"connect"', 'command must be an object'],
    ['\n  \n', 'empty frame'],
    ['{"id":1,"presence":{"channel":"a"},"history":{"channel":"a"}}', 'more than one method in a command'],
    ['{"subscribe":{"channel":"a"}}', 'subscribe without id'],
    ['{"id":1,"subscribe":{}}', 'subscribe.channel is required'],
    ['{"id":1,"subscribe":{"channel":""}}', 'subscribe.channel is required'],
    ['{"id":1,"subscribe":{"channel":"a","offset":1.5}}', 'subscribe.offset must be an integer'],
    ['{"id":1,"subscribe":{"channel":"a","offset":1e300}}', 'subscribe.offset must be an integer'],
    ['{"id":1,"history":{"channel":"a","limit":9007199254740992}}', 'history.limit must be an integer'],
    ['{"id":1,"history":{"channel":"a","since":{"offset":-1}}}', 'history.since must be'],
    ['{"id":1,"connect":{"headers":{"a":1}}}', 'connect.headers must be an object of strings'],
    ['{"id":1,"connect":{"subs":{"a":{"offset":"x"}}}}', 'connect.subs a: subscribe.offset must be an integer'],
    ['{"id":1,"publish":{"channel":"a"}}', 'publish.data is required'],
  ])('refuses %s with 3501 (%s)', (input, detail) => {
    const err = decodeError(input);
    expect(err).toBeInstanceOf(DisconnectError);
    expect(err.code).toBe(3501);
    expect(err.reason).toBe('bad request');
    expect(err.detail).toContain(detail);
  });

  it('refuses data nested deeper than 100 levels but accepts 100', () => {
    const nested = (n: number) => '['.repeat(n) + ']'.repeat(n);
    expect(decodeError(`{"id":1,"rpc":{"data":${nested(150)}}}`).detail).toContain('nested deeper');
    // The command is level 1, rpc level 2: 98 brackets reach level 100, 99 go past it.
    expect(decodeError(`{"id":1,"rpc":{"data":${nested(99)}}}`).detail).toBe('JSON nested deeper than 100');
    expect(decode(`{"id":1,"rpc":{"data":${nested(98)}}}`)).toHaveLength(1);
    expect(decode(`{"id":1,"rpc":{"data":${'{"a":'.repeat(98)}1${'}'.repeat(98)}}}`)).toHaveLength(1);
  });

  it('takes the largest command id there is and an id-less command with a null method as a pong', () => {
    expect(decode('{"id":4294967295,"presence":{"channel":"a"}}')).toEqual([{ id: 4294967295, method: 'presence', request: { channel: 'a' } }]);
    expect(decode('{"publish":null}')).toEqual([{ id: 0, method: 'pong', request: {} }]);
  });

  it('hands a single message back as it is', () => {
    const one = codec.encodeReply({ id: 1, publish: {} });
    expect(codec.join([one])).toBe(one);
  });

  it('joins encoded messages with newlines into one frame', () => {
    const frame = codec.join([codec.encodeReply({ id: 1, publish: {} }), codec.encodePush({ channel: 'a', pub: { data: 1 } })]);
    expect(frame.toString()).toBe('{"id":1,"publish":{}}\n{"push":{"channel":"a","pub":{"data":1}}}');
  });
});

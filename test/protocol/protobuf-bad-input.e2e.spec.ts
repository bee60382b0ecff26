import protobuf from 'protobufjs';
import WebSocket from 'ws';
import { StreamingManager } from '../../lib/index.js';
import { CommandType, ReplyType } from '../../lib/protocol/client-proto.js';
import { startApp, type TestApp } from '../support/app.js';
import { prng } from '../support/fuzz-frames.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261125);
const FUZZ_FRAMES = 400;
const json = (value: unknown) => Buffer.from(JSON.stringify(value));

/** Commands as the SDK's protobuf build sends them: length-delimited, several per frame allowed. */
function frame(...commands: object[]): Buffer {
  const writer = protobuf.Writer.create();
  for (const command of commands) CommandType.encodeDelimited(CommandType.fromObject(command), writer);
  return Buffer.from(writer.finish());
}

/** A raw protobuf WebSocket: decoded replies and pushes as plain objects, and how it closed. */
class ProtobufSocket {
  readonly replies: any[] = [];
  closeCode?: number;
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const reader = protobuf.Reader.create(data);
      while (reader.pos < reader.len) this.replies.push(ReplyType.toObject(ReplyType.decodeDelimited(reader), { longs: Number }));
    });
    ws.on('close', (code) => (this.closeCode = code));
  }

  static async open(url: string): Promise<ProtobufSocket> {
    const ws = new WebSocket(url, 'centrifuge-protobuf');
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    expect(ws.protocol).toBe('centrifuge-protobuf');
    return new ProtobufSocket(ws);
  }

  async until<T>(find: () => T | undefined, ms = 3000): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = find();
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`timed out; replies ${JSON.stringify(this.replies)}, close ${this.closeCode}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  reply(id: number) {
    return this.until(() => this.replies.find((r) => r.id === id));
  }

  closed() {
    return this.until(() => this.closeCode);
  }
}

/** Bad protobuf input gets the protocol's codes (issue 11), and a seeded fuzz does not hurt the node. */
describe('protobuf bad input', () => {
  let server: TestApp;
  beforeAll(async () => {
    server = await startApp({
      auth: { anonymous: true },
      channel: { allowSubscribeForAnonymous: true, allowPublishForAnonymous: true, allowPublishForSubscriber: true, presence: true },
      limits: { commandsPerSecond: 0 },
    });
  });
  afterAll(() => server.close());

  it.each([
    ['bytes that are not protobuf', Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01])],
    ['a length prefix past the frame', Buffer.concat([Buffer.from([0x20]), frame({ id: 1, connect: {} }).subarray(1)])],
    ['two methods in one command', frame({ id: 1, connect: {}, presence: { channel: 'a' } })],
    ['a subscribe without id', frame({ subscribe: { channel: 'a' } })],
    ['a subscribe without channel', frame({ id: 1, connect: {} }, { id: 2, subscribe: {} })],
    ['an empty frame', Buffer.alloc(0)],
  ])('closes with 3501 on %s', async (_name, bytes) => {
    const socket = await ProtobufSocket.open(server.wsUrl);
    socket.ws.send(bytes);
    expect(await socket.closed()).toBe(3501);
  });

  it('answers 107 to non-JSON payloads and keeps serving the connection', async () => {
    const socket = await ProtobufSocket.open(server.wsUrl);
    socket.ws.send(frame({ id: 1, connect: {} }, { id: 2, subscribe: { channel: 'bytes' } }));
    await socket.reply(2);
    const deep = Buffer.from('['.repeat(5000) + ']'.repeat(5000));
    socket.ws.send(
      frame(
        { id: 3, publish: { channel: 'bytes', data: Buffer.from([0xc3, 0x28]) } },
        { id: 4, rpc: { method: 'x', data: Buffer.from('{oops') } },
        { id: 6, publish: { channel: 'bytes', data: deep } },
      ),
    );
    expect((await socket.reply(3)).error).toMatchObject({ code: 107 });
    expect((await socket.reply(4)).error).toMatchObject({ code: 107 });
    expect((await socket.reply(6)).error).toMatchObject({ code: 107 });
    socket.ws.send(frame({ id: 5, publish: { channel: 'bytes', data: json({ ok: true }) } }));
    await socket.reply(5);
    const push = await socket.until(() => socket.replies.find((r) => r.push?.pub));
    expect(JSON.parse(Buffer.from(push.push.pub.data).toString())).toEqual({ ok: true });
    expect(socket.closeCode).toBeUndefined();
    socket.ws.terminate();
  });

  it(`survives ${FUZZ_FRAMES} mutated frames (seed ${SEED}): only protocol answers, and a reader keeps receiving`, async () => {
    const problems: unknown[] = [];
    const onUnhandled = (reason: unknown) => problems.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const random = prng(SEED);
    const int = (n: number) => Math.floor(random() * n);
    const manager = server.app.get(StreamingManager);
    const reader = await ProtobufSocket.open(server.wsUrl);
    reader.ws.send(frame({ id: 1, connect: {} }, { id: 2, subscribe: { channel: 'watch' } }));
    await reader.reply(2);
    const valid = [
      frame({ id: 1, connect: { data: json({ a: 1 }) } }),
      frame({ id: 2, subscribe: { channel: 'fuzz', recover: true, offset: 3, epoch: 'e' } }),
      frame({ id: 3, publish: { channel: 'fuzz', data: json({ text: 'x' }) } }),
      frame({ id: 4, history: { channel: 'fuzz', limit: 5, since: { offset: 1, epoch: 'e' } } }),
      frame({ id: 5, presence: { channel: 'fuzz' } }, { id: 6, rpc: { method: 'm', data: json([1]) } }),
      frame({ id: 7, unsubscribe: { channel: 'fuzz' } }, {}),
    ];
    const closes = new Set<number>();
    let socket = await ProtobufSocket.open(server.wsUrl);
    for (let i = 0; i < FUZZ_FRAMES; i++) {
      const bytes = Buffer.from(valid[int(valid.length)]!);
      switch (int(3)) {
        case 0:
          for (let flips = 1 + int(3); flips > 0; flips--) bytes[int(bytes.length)] = int(256);
          break;
        case 1:
          bytes.writeUInt8(int(256), 0);
          break;
      }
      const mutated = int(4) === 0 ? bytes.subarray(0, int(bytes.length)) : bytes;
      if (socket.closeCode !== undefined) {
        closes.add(socket.closeCode);
        socket = await ProtobufSocket.open(server.wsUrl);
      }
      socket.ws.send(mutated);
      await new Promise((resolve) => setImmediate(resolve));
    }
    socket.ws.terminate();
    expect([...closes].filter((code) => ![3501, 3010, 1009].includes(code))).toEqual([]);
    expect(closes.has(3501)).toBe(true);
    await manager.publish('watch', { still: 'here' });
    const push = await reader.until(() => reader.replies.find((r) => r.push?.pub));
    expect(JSON.parse(Buffer.from(push.push.pub.data).toString())).toEqual({ still: 'here' });
    reader.ws.terminate();
    process.off('unhandledRejection', onUnhandled);
    expect(problems).toEqual([]);
  }, 30_000);
});

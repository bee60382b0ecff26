import { StreamingManager } from '../lib/index.js';
import { startApp, type TestApp } from './support/app.js';
import { RawClient } from './support/raw-client.js';
import { connectionToken, TEST_SECRET } from './support/tokens.js';

/**
 * Hostile and broken input over a bare WebSocket. Each case checks the protocol's answer, and a
 * watcher subscribed all along must keep receiving publications.
 */
describe('bad input', () => {
  let server: TestApp;
  let manager: StreamingManager;
  let watcher: RawClient;
  let aliceToken: string;

  async function connectedClient(): Promise<RawClient> {
    const c = await RawClient.open(server.wsUrl);
    c.command({ id: 1, connect: { token: aliceToken } });
    expect((await c.reply(1)).connect.client).toBeDefined();
    return c;
  }

  beforeAll(async () => {
    server = await startApp({
      auth: { jwt: { secret: TEST_SECRET } },
      namespaces: { chat: { historySize: 10, historyTtl: 60, allowPublishForSubscriber: true } },
      websocket: { maxMessageSize: 64 * 1024, maxPendingCommands: 64 },
    });
    manager = server.app.get(StreamingManager);
    aliceToken = await connectionToken('alice');
    watcher = await connectedClient();
    watcher.command({ id: 2, subscribe: { channel: 'chat:watch' } });
    await watcher.reply(2);
  });

  afterAll(async () => {
    watcher.close();
    await server.close();
  });

  afterEach(async () => {
    // Whatever the last case threw at the server, the watcher still gets its publication.
    const marker = Math.random();
    await manager.publish('chat:watch', { marker });
    await watcher.waitFor((m) => m.push?.pub?.data?.marker === marker);
  });

  const closesWith3501: Array<[string, string | Buffer]> = [
    ['a frame that is not JSON', 'hello'],
    ['a JSON array', '[1,2]'],
    ['a JSON number', '42'],
    ['an unknown command', '{"id":1,"launch":{}}'],
    ['a command without id', '{"subscribe":{"channel":"chat:a"}}'],
    ['a negative id', '{"id":-1,"connect":{}}'],
    ['a fractional id', '{"id":1.5,"connect":{}}'],
    ['a string id', '{"id":"1","connect":{}}'],
    ['two methods in one command', '{"id":1,"connect":{},"subscribe":{"channel":"a"}}'],
    ['a method body that is not an object', '{"id":1,"connect":"token"}'],
    ['a wrongly typed token', '{"id":1,"connect":{"token":5}}'],
    ['an empty frame', ''],
    ['a subscribe before connect', '{"id":1,"subscribe":{"channel":"chat:a"}}'],
    ['a pong before any ping', '{}'],
    ['invalid UTF-8', Buffer.from([0xff, 0xfe, 0x7b, 0x7d])],
  ];

  it.each(closesWith3501)('closes with 3501 on %s', async (_name, frame) => {
    const c = await RawClient.open(server.wsUrl);
    c.send(frame);
    expect(await c.closeCode()).toBe(3501);
  });

  it('closes with 3501 on wrong field types after connect', async () => {
    const c = await connectedClient();
    c.command({ id: 2, subscribe: { channel: 5 } });
    expect(await c.closeCode()).toBe(3501);
  });

  it.each([
    ['refresh', { refresh: { token: '' } }],
    ['sub_refresh', { sub_refresh: { channel: 'chat:a', token: '' } }],
  ])('closes with 3501 on a %s with an empty token', async (_method, command) => {
    const c = await connectedClient();
    c.command({ id: 2, ...command });
    expect(await c.closeCode()).toBe(3501);
  });

  it('closes with 3501 on a missing channel', async () => {
    const c = await connectedClient();
    c.command({ id: 2, publish: { data: {} } });
    expect(await c.closeCode()).toBe(3501);
  });

  it('publishes data null as null, as Centrifugo does, but closes with 3501 when data is missing', async () => {
    const c = await connectedClient();
    c.command({ id: 2, subscribe: { channel: 'chat:nulls' } });
    await c.reply(2);
    c.command({ id: 3, publish: { channel: 'chat:nulls', data: null } });
    expect((await c.reply(3)).error).toBeUndefined();
    expect((await c.waitFor((m) => m.push?.channel === 'chat:nulls')).push.pub).toMatchObject({ data: null });
    c.command({ id: 4, publish: { channel: 'chat:nulls' } });
    expect(await c.closeCode()).toBe(3501);
  });

  it('closes with 3501 on a second connect', async () => {
    const c = await connectedClient();
    c.command({ id: 2, connect: {} });
    expect(await c.closeCode()).toBe(3501);
  });

  it('closes with 3501 on data nested deeper than the limit', async () => {
    const c = await connectedClient();
    const deep = '['.repeat(5000) + ']'.repeat(5000);
    c.send(`{"id":2,"publish":{"channel":"chat:watch","data":${deep}}}`);
    expect(await c.closeCode()).toBe(3501);
  });

  it('closes with 1009 on a frame over maxMessageSize', async () => {
    const c = await connectedClient();
    c.command({ id: 2, publish: { channel: 'chat:watch', data: 'x'.repeat(70 * 1024) } });
    expect(await c.closeCode()).toBe(1009);
  });

  it('closes with 3013 when a client queues more commands than allowed', async () => {
    const c = await connectedClient();
    // 100 is within the rate limit's burst (200): it is the queue of 64 that overflows.
    const frame = Array.from({ length: 100 }, (_, i) => JSON.stringify({ id: i + 2, rpc: { method: 'none' } })).join('\n');
    c.send(frame);
    expect(await c.closeCode()).toBe(3013);
  });

  it('meets a subscribe flood with 106 past the channel limit, 111 past the rate, then closes it with 3013', async () => {
    const c = await connectedClient();
    let id = 2;
    const codes = new Map<number, number>();
    const closed = c.closed.then(() => true);
    while (!(await Promise.race([closed, Promise.resolve(false)]))) {
      const batch = Array.from({ length: 20 }, () => JSON.stringify({ id: id++, subscribe: { channel: `chat:flood-${id}` } }));
      c.send(batch.join('\n'));
      await Promise.race([c.reply(id - 1).catch(() => undefined), closed]);
    }
    for (const m of c.messages) if (m.id) codes.set(m.error?.code ?? 0, (codes.get(m.error?.code ?? 0) ?? 0) + 1);
    // connect and 128 channels succeed; the rest of the burst of 200 (plus what the bucket refilled meanwhile) is
    // over the channel limit; then 50 refusals by rate, and the 51st closes.
    expect(codes.get(0)).toBe(1 + 128);
    expect(codes.get(106)).toBeGreaterThanOrEqual(200 - 128 - 1);
    expect(codes.get(111)).toBe(50);
    expect(await c.closeCode()).toBe(3013);
  });

  it('answers 101 to a connect without token when anonymous access is off, then 3501 to anything else', async () => {
    const c = await RawClient.open(server.wsUrl);
    c.command({ id: 1, connect: {} });
    expect((await c.reply(1)).error).toMatchObject({ code: 101 });
    c.command({ id: 2, subscribe: { channel: 'chat:a' } });
    expect(await c.closeCode()).toBe(3501);
  });

  it('closes with 3500 on a malformed token', async () => {
    const c = await RawClient.open(server.wsUrl);
    c.command({ id: 1, connect: { token: 'not.a.jwt' } });
    expect(await c.closeCode()).toBe(3500);
  });

  it('answers 109 to an expired token', async () => {
    const c = await RawClient.open(server.wsUrl);
    c.command({ id: 1, connect: { token: await connectionToken('alice', {}, -5) } });
    expect((await c.reply(1)).error).toMatchObject({ code: 109 });
  });

  it.each([
    ['control characters', 'chat:a\u0001b', 107],
    ['a space', 'chat:a b', 107],
    ['an unknown namespace', 'nope:a', 102],
    ['a name over the length limit', `chat:${'a'.repeat(300)}`, 106],
  ])('answers an error to a channel with %s', async (_name, channel, code) => {
    const c = await connectedClient();
    c.command({ id: 2, subscribe: { channel } });
    expect((await c.reply(2)).error).toMatchObject({ code });
    c.command({ id: 3, subscribe: { channel: 'chat:fine' } });
    expect((await c.reply(3)).subscribe).toBeDefined();
  });

  it('answers 105 to a second subscribe to the same channel', async () => {
    const c = await connectedClient();
    c.command({ id: 2, subscribe: { channel: 'chat:twice' } });
    await c.reply(2);
    c.command({ id: 3, subscribe: { channel: 'chat:twice' } });
    expect((await c.reply(3)).error).toMatchObject({ code: 105 });
  });

  it('answers 103 to publish and history in a channel the client is not subscribed to', async () => {
    const c = await connectedClient();
    c.command({ id: 2, publish: { channel: 'chat:other', data: {} } });
    expect((await c.reply(2)).error).toMatchObject({ code: 103 });
    c.command({ id: 3, history: { channel: 'chat:other', limit: 1 } });
    expect((await c.reply(3)).error).toMatchObject({ code: 103 });
  });

  it('answers 108 to presence in a namespace without presence', async () => {
    const c = await connectedClient();
    c.command({ id: 2, subscribe: { channel: 'chat:p' } });
    await c.reply(2);
    c.command({ id: 3, presence: { channel: 'chat:p' } });
    expect((await c.reply(3)).error).toMatchObject({ code: 108 });
  });

  it('answers 107 to reverse history from offset 0', async () => {
    const c = await connectedClient();
    c.command({ id: 2, subscribe: { channel: 'chat:h' } });
    await c.reply(2);
    c.command({ id: 3, history: { channel: 'chat:h', limit: 5, reverse: true, since: { offset: 0, epoch: '' } } });
    expect((await c.reply(3)).error).toMatchObject({ code: 107 });
  });

  it('ignores unknown fields and never echoes them', async () => {
    const c = await connectedClient();
    c.command({ id: 2, subscribe: { channel: 'chat:flags', flag: 1, secret: 'x' } });
    const reply = await c.reply(2);
    expect(reply.subscribe).toBeDefined();
    expect(JSON.stringify(reply)).not.toContain('secret');
  });

  it('answers several commands of one frame in order', async () => {
    const c = await connectedClient();
    const frames: string[] = [];
    c.ws.on('message', (d) => frames.push(d.toString()));
    c.send(
      [
        JSON.stringify({ id: 2, subscribe: { channel: 'chat:batch' } }),
        JSON.stringify({ id: 3, publish: { channel: 'chat:batch', data: 1 } }),
        JSON.stringify({ id: 4, history: { channel: 'chat:batch', limit: -1 } }),
      ].join('\n'),
    );
    const history = await c.reply(4);
    expect(history.history.publications.map((p: any) => p.data)).toEqual([1]);
    expect(c.messages.filter((m) => m.id >= 2).map((m) => m.id)).toEqual([2, 3, 4]);
  });
});

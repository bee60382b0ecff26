import type { Centrifuge } from 'centrifuge';
import WebSocket from 'ws';
import { Injectable } from '@nestjs/common';
import { OnConnect, StreamingHandlers, StreamingManager, type StreamingModuleOptions } from '../lib/index.js';
import { resolveOptions } from '../lib/options/resolve-options.js';
import { startApp, type TestApp } from './support/app.js';
import { connectOutcome as outcome, once, sdkClient } from './support/centrifuge-client.js';
import { RawClient } from './support/raw-client.js';
import { connectionToken, TEST_SECRET } from './support/tokens.js';
import { until } from './support/wait.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A connect hook that takes its time, as one reading a database would: connects race past it. */
@StreamingHandlers()
@Injectable()
class SlowConnectHandlers {
  @OnConnect()
  async slow() {
    await sleep(30);
  }
}

/** Per-node limits, each with the code the protocol gives it. */
describe('limits', () => {
  const clients: Centrifuge[] = [];
  const raws: RawClient[] = [];

  afterEach(() => {
    for (const c of clients.splice(0)) c.disconnect();
    for (const r of raws.splice(0)) r.close();
  });

  async function withApp(options: StreamingModuleOptions, run: (server: TestApp) => Promise<void>): Promise<void> {
    const server = await startApp({ auth: { jwt: { secret: TEST_SECRET }, anonymous: true }, ...options });
    try {
      await run(server);
    } finally {
      for (const c of clients.splice(0)) c.disconnect();
      await server.close();
    }
  }

  function client(server: TestApp, token?: string): Centrifuge {
    const c = sdkClient(server.wsUrl, token ? { token } : {});
    clients.push(c);
    return c;
  }

  it('disconnects a user over maxConnectionsPerUser with 3504, counts anonymous clients apart, and frees a slot on close', () =>
    withApp({ limits: { maxConnectionsPerUser: 2 } }, async (server) => {
      const token = await connectionToken('alice');
      const first = client(server, token);
      expect(await outcome(first)).toBe('connected');
      expect(await outcome(client(server, token))).toBe('connected');
      expect(await outcome(client(server, token))).toBe(3504);
      expect(await outcome(client(server, await connectionToken('bob')))).toBe('connected');
      for (let i = 0; i < 3; i++) expect(await outcome(client(server))).toBe('connected');

      // Refused connects (expired token) never take a slot; a closed connection gives its slot back.
      const expired = await RawClient.open(server.wsUrl);
      raws.push(expired);
      expired.command({ id: 1, connect: { token: await connectionToken('alice', {}, -10) } });
      expect((await expired.reply(1)).error.code).toBe(109);
      const manager = server.app.get(StreamingManager);
      const before = manager.stats().numClients;
      first.disconnect();
      await until(() => manager.stats().numClients === before - 1, 'the server released the closed connection');
      expect(await outcome(client(server, token))).toBe('connected');
    }));

  it('never lets concurrent connects of one user overshoot maxConnectionsPerUser, however long @OnConnect takes', async () => {
    const server = await startApp({ auth: { jwt: { secret: TEST_SECRET } }, limits: { maxConnectionsPerUser: 2 } }, [SlowConnectHandlers]);
    try {
      const token = await connectionToken('alice');
      const outcomes = await Promise.all(Array.from({ length: 5 }, () => outcome(client(server, token))));
      expect(outcomes.sort()).toEqual([3504, 3504, 3504, 'connected', 'connected']);
    } finally {
      for (const c of clients.splice(0)) c.disconnect();
      await server.close();
    }
  });

  it('gives a user slot back exactly once however a connection ends: closed mid-connect, refused with 3505, disconnected by the server', async () => {
    const server = await startApp(
      { auth: { jwt: { secret: TEST_SECRET } }, limits: { maxConnectionsPerUser: 1, maxChannelsPerConnection: 1 }, namespaces: { chat: {} } },
      [SlowConnectHandlers],
    );
    try {
      const token = await connectionToken('alice');
      // The socket goes away while @OnConnect awaits: the session must never register.
      const early = await RawClient.open(server.wsUrl);
      early.command({ id: 1, connect: { token } });
      early.close();
      await early.closed;
      expect(await outcome(client(server, await connectionToken('alice', { channels: ['chat:a', 'chat:b'] })))).toBe(3505);

      const first = client(server, token);
      expect(await outcome(first)).toBe('connected');
      expect(await outcome(client(server, token))).toBe(3504);
      const gone = once<{ code: number }>(first, 'disconnected');
      await server.app.get(StreamingManager).disconnect('alice');
      expect((await gone).code).toBe(3503);
      const again = client(server, token);
      expect(await outcome(again)).toBe('connected');
      // One slot, not two: a double release would let this one in.
      expect(await outcome(client(server, token))).toBe(3504);
    } finally {
      for (const c of clients.splice(0)) c.disconnect();
      await server.close();
    }
  });

  it('answers upgrades over maxConnections with HTTP 503, and accepts again once one closes', () =>
    withApp({ limits: { maxConnections: 2 } }, async (server) => {
      const a = await RawClient.open(server.wsUrl);
      const b = await RawClient.open(server.wsUrl);
      raws.push(a, b);
      const status = await new Promise<number>((resolve, reject) => {
        const ws = new WebSocket(server.wsUrl);
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('open', () => reject(new Error('a third connection was accepted')));
        ws.on('error', () => undefined);
      });
      expect(status).toBe(503);
      a.close();
      await a.closed;
      // The server counts the socket until its own side of the close has run: retry until it has.
      let c: RawClient | undefined;
      await until(async () => (c = await RawClient.open(server.wsUrl).catch(() => undefined)) !== undefined, 'an upgrade is accepted again');
      raws.push(c!);
      c!.command({ id: 1, connect: {} });
      expect((await c!.reply(1)).connect).toBeDefined();
    }));

  it('answers a subscribe over maxChannelsPerConnection with 106 and disconnects a token naming too many channels with 3505', () =>
    withApp({ limits: { maxChannelsPerConnection: 2 }, namespaces: { chat: {} } }, async (server) => {
      const c = client(server, await connectionToken('alice'));
      expect(await outcome(c)).toBe('connected');
      const subs = ['chat:a', 'chat:b'].map((channel) => c.newSubscription(channel));
      await Promise.all(
        subs.map((sub) => {
          const ready = once(sub, 'subscribed');
          sub.subscribe();
          return ready;
        }),
      );
      const third = c.newSubscription('chat:c');
      const refused = once<any>(third, 'unsubscribed');
      third.subscribe();
      expect((await refused).code).toBe(106);
      const left = once(subs[0]!, 'unsubscribed');
      subs[0]!.unsubscribe();
      await left;
      const ready = once(third, 'subscribed');
      third.subscribe();
      await ready;

      const many = client(server, await connectionToken('bob', { channels: ['chat:a', 'chat:b', 'chat:c'] }));
      expect(await outcome(many)).toBe(3505);
    }));

  it('answers commands over the rate with 111, admits again after a pause, and closes a client that keeps going with 3013', () =>
    withApp({ limits: { commandsPerSecond: 5, commandBurst: 5, maxRefusedCommands: 3 } }, async (server) => {
      const c = await RawClient.open(server.wsUrl);
      raws.push(c);
      const rpc = (id: number) => JSON.stringify({ id, rpc: { method: 'nothing' } });
      c.send([JSON.stringify({ id: 1, connect: {} }), ...[2, 3, 4, 5, 6, 7, 8].map(rpc)].join('\n'));
      expect((await c.reply(1)).connect).toBeDefined();
      for (const id of [2, 3, 4, 5]) expect((await c.reply(id)).error.code).toBe(104);
      for (const id of [6, 7, 8]) expect((await c.reply(id)).error).toEqual({ code: 111, message: 'too many requests', temporary: true });

      await sleep(1100);
      c.send([9, 10].map(rpc).join('\n'));
      expect((await c.reply(10)).error.code).toBe(104);

      c.send(Array.from({ length: 20 }, (_, i) => rpc(100 + i)).join('\n'));
      expect(await c.closeCode()).toBe(3013);
    }));

  it('lets the SDK see 111 on a publish flood, and the connection survive it', () =>
    withApp(
      { limits: { commandsPerSecond: 5, commandBurst: 5, maxRefusedCommands: 100 }, namespaces: { chat: { allowPublishForSubscriber: true } } },
      async (server) => {
        const c = client(server, await connectionToken('alice'));
        expect(await outcome(c)).toBe('connected');
        const sub = c.newSubscription('chat:flood');
        const ready = once(sub, 'subscribed');
        sub.subscribe();
        await ready;
        const results = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => sub.publish({ i })));
        const codes = results.map((r) => (r.status === 'rejected' ? (r.reason as { code: number }).code : 0));
        expect(codes.filter((code) => code === 111).length).toBeGreaterThan(0);
        expect(codes.every((code) => code === 0 || code === 111)).toBe(true);
        await sleep(1100);
        await expect(sub.publish({ after: 'pause' })).resolves.toBeDefined();
      },
    ));

  it('drops id-less sends over the rate without a reply, and counts them toward 3013', () =>
    withApp({ limits: { commandsPerSecond: 1, commandBurst: 3, maxRefusedCommands: 2 } }, async (server) => {
      const c = await RawClient.open(server.wsUrl);
      raws.push(c);
      const send = JSON.stringify({ send: { data: 'hi' } });
      // connect and two sends take the burst; two more sends are refused silently.
      c.send([JSON.stringify({ id: 1, connect: {} }), send, send, send, send].join('\n'));
      expect((await c.reply(1)).connect).toBeDefined();
      await sleep(100);
      expect(c.messages.filter((m) => m.error)).toEqual([]);
      c.send(send);
      expect(await c.closeCode()).toBe(3013);
    }));

  it('answers a publication whose data is over maxPublicationDataSize with 106, counting UTF-8 bytes of compact JSON, and keeps the connection', () =>
    withApp(
      { limits: { maxPublicationDataSize: 64 }, namespaces: { chat: { allowPublishForSubscriber: true } } },
      async (server) => {
        const c = client(server, await connectionToken('alice'));
        expect(await outcome(c)).toBe('connected');
        const sub = c.newSubscription('chat:size');
        const received: unknown[] = [];
        sub.on('publication', (ctx) => received.push(ctx.data));
        const ready = once(sub, 'subscribed');
        sub.subscribe();
        await ready;

        // 20 emoji are 40 UTF-16 units but 80 bytes: over 64.
        await expect(sub.publish({ t: '😀'.repeat(20) })).rejects.toMatchObject({ code: 106 });
        await expect(sub.publish({ t: 'x'.repeat(57) })).rejects.toMatchObject({ code: 106 });
        await sub.publish({ t: 'x'.repeat(56) }); // {"t":"…"} is 64 bytes
        expect(c.state).toBe('connected');

        // Whitespace the client sends is not counted: the stored form is compact.
        const raw = await RawClient.open(server.wsUrl);
        raws.push(raw);
        raw.command({ id: 1, connect: { token: await connectionToken('bob') } });
        await raw.reply(1);
        raw.command({ id: 2, subscribe: { channel: 'chat:size' } });
        await raw.reply(2);
        raw.send(`{"id":3,"publish":{"channel":"chat:size","data":{"t":   "${'y'.repeat(56)}"   }}}`);
        expect((await raw.reply(3)).publish).toEqual({});

        await until(() => received.length >= 2, 'both publications arrived');
        expect(received).toEqual([{ t: 'x'.repeat(56) }, { t: 'y'.repeat(56) }]);
      },
    ));

  it('closes a frame over websocket.maxMessageSize with 1009, which the SDK reports as its terminal message size limit', () =>
    withApp({ websocket: { maxMessageSize: 1024 }, namespaces: { chat: { allowPublishForSubscriber: true } } }, async (server) => {
      const c = client(server, await connectionToken('alice'));
      expect(await outcome(c)).toBe('connected');
      const sub = c.newSubscription('chat:big');
      const ready = once(sub, 'subscribed');
      sub.subscribe();
      await ready;
      const disconnected = once<{ code: number; reason: string }>(c, 'disconnected');
      void sub.publish('x'.repeat(2000)).catch(() => undefined);
      expect(await disconnected).toMatchObject({ code: 3, reason: 'message size limit exceeded' });
      await sleep(300); // well past the test client's reconnect delay
      expect(c.state).toBe('disconnected');
    }));

  it.each([
    [{ limits: { maxConnectionsPerUser: -1 } }, /limits\.maxConnectionsPerUser must be a whole number >= 0/],
    [{ limits: { commandsPerSecond: 1.5 } }, /limits\.commandsPerSecond must be a whole number/],
    [{ limits: { commandBurst: 0 } }, /limits\.commandBurst must be at least 1/],
    [{ limits: { maxChanels: 3 } }, /limits\.maxChanels is not a limits option/],
    [{ limits: { connectionAttemptsPerSecond: 5, connectionAttemptBurst: 0 } }, /limits\.connectionAttemptBurst must be at least 1/],
    [{ limits: { maxQueuedBytes: -1 } }, /limits\.maxQueuedBytes must be a whole number >= 0/],
    [{ limits: { userCommandsPerSecond: 5, userCommandBurst: 0 } }, /limits\.userCommandBurst must be at least 1 when userCommandsPerSecond is set/],
    [{ limits: { channelPublicationsPerSecond: 5, channelPublicationBurst: 0 } }, /limits\.channelPublicationBurst must be at least 1/],
    [{ limits: { userCommandsPerSecond: 0.5 } }, /limits\.userCommandsPerSecond must be a whole number/],
    [{ limits: { store: { take: () => true } } }, /limits\.store must be a LimitStore; it has no acquire, refresh, release, close method/],
    [{ idempotencyStore: {} }, /idempotencyStore must be an IdempotencyStore \(claim, complete, abandon, close\)/],
    [{ websocket: { connectTimeout: 0 } }, /websocket\.connectTimeout must be a number >= 0\.01/],
    [{ websocket: { connectHandlingTimeout: 0 } }, /websocket\.connectHandlingTimeout must be a number >= 0\.01/],
    [{ websocket: { closeTimeout: -1 } }, /websocket\.closeTimeout must be a number >= 0/],
    [{ namespaces: { chat: { maxSubscribersPerUser: -2 } } }, /namespaces\.chat\.maxSubscribersPerUser must be a number >= 0/],
    [{ limits: { maxPublicationDataSize: 70_000 } }, /limits\.maxPublicationDataSize must not exceed websocket\.maxMessageSize \(65536\)/],
    [{ limits: { maxPublicationDataSize: 2048 }, websocket: { maxMessageSize: 1024 } }, /limits\.maxPublicationDataSize must not exceed websocket\.maxMessageSize \(1024\)/],
  ])('refuses %j at start-up', (options, message) => {
    expect(() => resolveOptions(options as StreamingModuleOptions)).toThrow(message);
  });
});

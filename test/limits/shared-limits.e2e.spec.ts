import type { Centrifuge } from 'centrifuge';
import { MemoryIdempotencyStore } from '../../lib/backends/memory/memory-idempotency-store.js';
import { MemoryLimitStore } from '../../lib/backends/memory/memory-limit-store.js';
import { StreamingManager, type StreamingModuleOptions } from '../../lib/index.js';
import { startApp, type TestApp } from '../support/app.js';
import { connectOutcome as outcome, once, sdkClient } from '../support/centrifuge-client.js';
import { RawClient } from '../support/raw-client.js';
import { connectionToken, TEST_SECRET } from '../support/tokens.js';
import { upgradeOutcome } from '../support/upgrade-outcome.js';
import { until } from '../support/wait.js';
import { WhoAmI } from '../fixtures/who-am-i.handlers.js';

/**
 * Limits counted in the limit store: per user over all their connections, per channel over all
 * its publishers, per address over its attempts, and connections per user. Two apps given one
 * store stand for two nodes on a shared backend: what one node counts, the other sees.
 */
describe('limits counted in the limit store', () => {
  const clients: Centrifuge[] = [];
  const raws: RawClient[] = [];
  const servers: TestApp[] = [];

  afterEach(async () => {
    for (const c of clients.splice(0)) c.disconnect();
    for (const r of raws.splice(0)) r.close();
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  async function app(options: StreamingModuleOptions): Promise<TestApp> {
    const server = await startApp({ auth: { jwt: { secret: TEST_SECRET }, anonymous: true }, ...options }, [WhoAmI]);
    servers.push(server);
    return server;
  }

  async function connected(server: TestApp, user?: string): Promise<Centrifuge> {
    const c = sdkClient(server.wsUrl, user ? { token: await connectionToken(user) } : {});
    clients.push(c);
    expect(await outcome(c)).toBe('connected');
    return c;
  }

  /** The error code of an rpc, or 0 when it succeeded. */
  const rpcCode = (c: Centrifuge) => c.rpc('whoami', {}).then(
    () => 0,
    (err: { code: number }) => err.code,
  );

  it('refuses a user over userCommandsPerSecond with 111 on whichever connection, leaving other users and anonymous clients alone', async () => {
    const server = await app({ limits: { userCommandsPerSecond: 1, userCommandBurst: 3, maxRefusedCommands: 100 } });
    const [a1, a2, bob, anon] = [await connected(server, 'alice'), await connected(server, 'alice'), await connected(server, 'bob'), await connected(server)];
    const codes = [await rpcCode(a1), await rpcCode(a2), await rpcCode(a1), await rpcCode(a2), await rpcCode(a1)];
    expect(codes).toEqual([0, 0, 0, 111, 111]);
    expect([await rpcCode(bob), await rpcCode(bob), await rpcCode(bob)]).toEqual([0, 0, 0]);
    for (let i = 0; i < 5; i++) expect(await rpcCode(anon)).toBe(0);
    expect(a1.state).toBe('connected');
  });

  it('counts user-rate refusals towards maxRefusedCommands, with or without a per-connection rate: the connection that keeps going gets 3013', async () => {
    // commandsPerSecond 0: the connection has no bucket of its own, yet still counts the user rate's refusals.
    const server = await app({ limits: { commandsPerSecond: 0, userCommandsPerSecond: 1, userCommandBurst: 1, maxRefusedCommands: 2 } });
    const raw = await RawClient.open(server.wsUrl);
    raws.push(raw);
    raw.command({ id: 1, connect: { token: await connectionToken('alice') } });
    await raw.reply(1);
    raw.command({ id: 2, rpc: { method: 'whoami', data: {} } });
    expect((await raw.reply(2)).error).toBeUndefined();
    raw.command({ id: 3, rpc: { method: 'whoami', data: {} } });
    expect((await raw.reply(3)).error).toEqual({ code: 111, message: 'too many requests', temporary: true });
    raw.command({ id: 4, rpc: { method: 'whoami', data: {} } });
    expect((await raw.reply(4)).error.code).toBe(111);
    raw.command({ id: 5, rpc: { method: 'whoami', data: {} } });
    expect(await raw.closeCode()).toBe(3013);
  });

  it('refuses client publications over channelPublicationsPerSecond in one channel with 111, whoever publishes; other channels and server publishes go on', async () => {
    const server = await app({
      limits: { channelPublicationsPerSecond: 1, channelPublicationBurst: 2, maxRefusedCommands: 100 },
      namespaces: { chat: { allowPublishForClient: true } },
    });
    const alice = await connected(server, 'alice');
    const bob = await connected(server, 'bob');
    const publishCode = (c: Centrifuge, channel: string) => c.publish(channel, { text: 'hi' }).then(
      () => 0,
      (err: { code: number }) => err.code,
    );
    expect([await publishCode(alice, 'chat:busy'), await publishCode(bob, 'chat:busy'), await publishCode(alice, 'chat:busy')]).toEqual([0, 0, 111]);
    expect(await publishCode(bob, 'chat:busy')).toBe(111);
    expect(await publishCode(bob, 'chat:quiet')).toBe(0);
    // Rejects if it were counted: the bucket is still empty.
    await server.app.get(StreamingManager).publish('chat:busy', { text: 'from the server' });
    expect(alice.state).toBe('connected');
  });

  it('counts connections per user across nodes sharing the store: 3504 on the other node, a slot back on close', async () => {
    const store = new MemoryLimitStore();
    try {
      const options = { limits: { maxConnectionsPerUser: 2, store } };
      const [a, b] = [await app(options), await app(options)];
      const first = await connected(a, 'alice');
      await connected(b, 'alice');
      const third = sdkClient(b.wsUrl, { token: await connectionToken('alice') });
      clients.push(third);
      expect(await outcome(third)).toBe(3504);
      const c = sdkClient(a.wsUrl, { token: await connectionToken('alice') });
      clients.push(c);
      expect(await outcome(c)).toBe(3504);
      await connected(b, 'bob');

      const gone = once(first, 'disconnected');
      first.disconnect();
      await gone;
      await until(() => a.app.get(StreamingManager).stats().numClients === 1, 'node a released the closed connection');
      await connected(b, 'alice');
    } finally {
      await store.close();
    }
  });

  it('keeps the leases of live connections past presenceTtl, and lets those of a node that vanished lapse', async () => {
    const store = new MemoryLimitStore();
    try {
      const server = await app({ limits: { maxConnectionsPerUser: 1, store }, presenceTtl: 1 });
      await connected(server, 'alice');
      // A node that died holding bob's only slot: nobody refreshes it.
      expect(await store.acquire('user-connections:bob', 'dead-node-client', 1, 1)).toBe(true);
      const bob = sdkClient(server.wsUrl, { token: await connectionToken('bob') });
      clients.push(bob);
      expect(await outcome(bob)).toBe(3504);
      bob.disconnect();
      const started = Date.now();
      await until(async () => {
        const retry = sdkClient(server.wsUrl, { token: await connectionToken('bob') });
        clients.push(retry);
        return (await outcome(retry)) === 'connected';
      }, 'the dead node\'s lease lapsed', 5000);
      // Alice's lease lived through at least one ttl on the refresh loop.
      expect(Date.now() - started).toBeGreaterThan(500);
      await until(() => Date.now() - started > 1500, 'past presenceTtl');
      const second = sdkClient(server.wsUrl, { token: await connectionToken('alice') });
      clients.push(second);
      expect(await outcome(second)).toBe(3504);
    } finally {
      await store.close();
    }
  });

  it('counts connection attempts per address across nodes sharing the store', async () => {
    const store = new MemoryLimitStore();
    try {
      const options = { limits: { connectionAttemptsPerSecond: 1, connectionAttemptBurst: 2, store } };
      const [a, b] = [await app(options), await app(options)];
      expect(await upgradeOutcome(a.wsUrl)).toBe('open');
      expect(await upgradeOutcome(b.wsUrl)).toBe('open');
      expect(await upgradeOutcome(b.wsUrl)).toBe(429);
      expect(await upgradeOutcome(a.wsUrl)).toBe(429);
    } finally {
      await store.close();
    }
  });

  it('admits commands when the store cannot count their rate, and answers a connect needing a lease with 100 (temporary)', async () => {
    const down = () => Promise.reject(new Error('store down'));
    const store = { take: down, acquire: down, refresh: down, release: down, close: async () => undefined };
    const server = await app({ limits: { userCommandsPerSecond: 1, userCommandBurst: 1, maxConnectionsPerUser: 5, store } });
    const anon = await connected(server);
    const raw = await RawClient.open(server.wsUrl);
    raws.push(raw);
    raw.command({ id: 1, connect: { token: await connectionToken('alice') } });
    expect((await raw.reply(1)).error).toEqual({ code: 100, message: 'internal server error', temporary: true });
    // Anonymous: no lease needed, and every rpc admitted though the store fails.
    for (let i = 0; i < 3; i++) expect(await rpcCode(anon)).toBe(0);
  });

  it('admits a user\'s commands when the store fails to count them', async () => {
    const counting = new MemoryLimitStore();
    const store = { ...counting, take: () => Promise.reject(new Error('store down')), acquire: counting.acquire.bind(counting), refresh: counting.refresh.bind(counting), release: counting.release.bind(counting), close: () => counting.close() };
    const server = await app({ limits: { userCommandsPerSecond: 1, userCommandBurst: 1, store } });
    const alice = await connected(server, 'alice');
    expect([await rpcCode(alice), await rpcCode(alice), await rpcCode(alice)]).toEqual([0, 0, 0]);
    await counting.close();
  });

  it('publishes once for an idempotency key used on two nodes sharing the store, both answering the same position', async () => {
    const idempotencyStore = new MemoryIdempotencyStore();
    const options: StreamingModuleOptions = { idempotencyStore, namespaces: { chat: { historySize: 10, historyTtl: 60 } } };
    const [a, b] = [await app(options), await app(options)];
    const [fromA, fromB] = await Promise.all([
      a.app.get(StreamingManager).publish('chat:once', { n: 1 }, { idempotencyKey: 'k1' }),
      b.app.get(StreamingManager).publish('chat:once', { n: 2 }, { idempotencyKey: 'k1' }),
    ]);
    expect(fromA).toEqual(fromB);
    // The memory backends keep separate histories: exactly one of the two nodes published.
    const pages = await Promise.all([a, b].map((s) => s.app.get(StreamingManager).history('chat:once', { limit: -1 })));
    expect(pages.map((p) => p.publications.length).sort()).toEqual([0, 1]);
    await idempotencyStore.close();
  });
});

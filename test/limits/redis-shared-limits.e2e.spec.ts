import type { Centrifuge } from 'centrifuge';
import type { Redis } from 'ioredis';
import { RedisIdempotencyStore } from '../../lib/backends/redis/redis-idempotency-store.js';
import { RedisLimitStore } from '../../lib/backends/redis/redis-limit-store.js';
import { StreamingManager, type StreamingModuleOptions } from '../../lib/index.js';
import { startApp, type TestApp } from '../support/app.js';
import { connectOutcome as outcome, sdkClient } from '../support/centrifuge-client.js';
import { clearPrefix, redisClient, testPrefix } from '../support/redis.js';
import { connectionToken, TEST_SECRET } from '../support/tokens.js';
import { upgradeOutcome } from '../support/upgrade-outcome.js';
import { WhoAmI } from '../fixtures/who-am-i.handlers.js';
import { RedisShards } from '../../lib/backends/redis/redis-shards.js';

/** Two nodes, each with its own Redis connection, counting limits and idempotency keys in one Redis. */
describe('limits and idempotency counted in Redis across two nodes', () => {
  const prefix = testPrefix('redis-shared-limits');
  const clients: Centrifuge[] = [];
  const servers: TestApp[] = [];
  const connections: Redis[] = [];

  afterEach(async () => {
    for (const c of clients.splice(0)) c.disconnect();
    await Promise.all(servers.splice(0).map((s) => s.close()));
    const [first] = connections;
    if (first) await clearPrefix(first, prefix);
    for (const r of connections.splice(0)) r.disconnect();
  });

  /** A node with its own Redis connection and the given limits. */
  async function node(options: StreamingModuleOptions = {}): Promise<TestApp> {
    const redis = await redisClient();
    connections.push(redis);
    const server = await startApp(
      {
        auth: { jwt: { secret: TEST_SECRET } },
        ...options,
        limits: { ...options.limits, store: new RedisLimitStore(new RedisShards([redis]), prefix) },
        idempotencyStore: new RedisIdempotencyStore(new RedisShards([redis]), prefix),
      },
      [WhoAmI],
    );
    servers.push(server);
    return server;
  }

  async function client(server: TestApp, user: string): Promise<Centrifuge> {
    const c = sdkClient(server.wsUrl, { token: await connectionToken(user) });
    clients.push(c);
    return c;
  }

  it('refuses the user connection over maxConnectionsPerUser on the other node with 3504', async () => {
    const [a, b] = await Promise.all([node({ limits: { maxConnectionsPerUser: 1 } }), node({ limits: { maxConnectionsPerUser: 1 } })]);
    const first = await client(a, 'alice');
    expect(await outcome(first)).toBe('connected');
    expect(await outcome(await client(b, 'alice'))).toBe(3504);
    expect(await outcome(await client(b, 'bob'))).toBe('connected');
  });

  it('counts a user command rate over both nodes', async () => {
    const options = { limits: { userCommandsPerSecond: 1, userCommandBurst: 2, maxRefusedCommands: 100 } };
    const [a, b] = await Promise.all([node(options), node(options)]);
    const [onA, onB] = [await client(a, 'alice'), await client(b, 'alice')];
    expect([await outcome(onA), await outcome(onB)]).toEqual(['connected', 'connected']);
    const code = (c: Centrifuge) => c.rpc('whoami', {}).then(
      () => 0,
      (err: { code: number }) => err.code,
    );
    expect([await code(onA), await code(onB), await code(onA), await code(onB)]).toEqual([0, 0, 111, 111]);
  });

  it('counts connection attempts per address over both nodes', async () => {
    const options = { limits: { connectionAttemptsPerSecond: 1, connectionAttemptBurst: 1 } };
    const [a, b] = await Promise.all([node(options), node(options)]);
    expect(await upgradeOutcome(a.wsUrl)).toBe('open');
    expect(await upgradeOutcome(b.wsUrl)).toBe(429);
  });

  it('publishes once for an idempotency key used on both nodes', async () => {
    const options: StreamingModuleOptions = { namespaces: { chat: { historySize: 10, historyTtl: 60 } } };
    const [a, b] = await Promise.all([node(options), node(options)]);
    const [fromA, fromB] = await Promise.all(
      [a, b].map((s, i) => s.app.get(StreamingManager).publish('chat:once', { n: i }, { idempotencyKey: 'k1' })),
    );
    expect(fromA).toEqual(fromB);
    const pages = await Promise.all([a, b].map((s) => s.app.get(StreamingManager).history('chat:once', { limit: -1 })));
    expect(pages.map((p) => p.publications.length).sort()).toEqual([0, 1]);
  });
});

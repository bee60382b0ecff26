import type { PublicationContext } from 'centrifuge';
import type { Redis } from 'ioredis';
import { createRedisBackend } from '../../lib/backends/redis/redis-backend.js';
import { jumpHash } from '../../lib/backends/redis/redis-shards.js';
import { startApp, type TestApp } from '../support/app.js';
import { collect, connectedClient, sdkClient, subscribed } from '../support/centrifuge-client.js';
import { eventually } from '../support/eventually.js';
import { redisClient } from '../support/redis.js';
import { RedisServer } from '../support/redis-server.js';
import { connectionToken, TEST_SECRET } from '../support/tokens.js';
import { resolveBackendOptions, type ResolvedBackendOptions } from '../../lib/options/resolve-backend-options.js';

type RedisOptions = Extract<ResolvedBackendOptions, { type: 'redis' }>;

/** Calls of a command a Redis server counted since its last CONFIG RESETSTAT. */
async function calls(redis: Redis, command: string): Promise<number> {
  const stats = await redis.info('commandstats');
  return Number(new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(stats)?.[1] ?? 0);
}

/** One node on two independent redis-servers of the test's own (`backend.shards`). */
describe('the Redis backend on independent shards', () => {
  let servers: RedisServer[];
  let admins: Redis[];
  let app: TestApp;

  beforeAll(async () => {
    servers = await Promise.all([RedisServer.start(), RedisServer.start()]);
    admins = await Promise.all(servers.map((s) => redisClient(s.url)));
    app = await startApp({
      auth: { jwt: { secret: TEST_SECRET } },
      backend: { type: 'redis', shards: servers.map((s) => s.url), prefix: 'shards:', startupTimeout: 5 },
      namespaces: { chat: { preset: 'chat' } },
    });
  }, 30_000);
  afterAll(async () => {
    await app?.close();
    for (const admin of admins ?? []) admin.disconnect();
    await Promise.all((servers ?? []).map((s) => s.stop()));
  });

  async function client(user: string) {
    return connectedClient(sdkClient(app.wsUrl, { token: await connectionToken(user) }));
  }

  it("keeps each channel's keys on the shard its name hashes to, and uses every shard", async () => {
    const alice = await client('alice');
    try {
      const channels = Array.from({ length: 12 }, (_, i) => `chat:spread-${i}`);
      for (const channel of channels) await (await subscribed(alice, channel)).publish({ text: channel });
      const found = await Promise.all(admins.map((admin) => admin.keys('shards:history:{chat:spread-*}')));
      for (const channel of channels) {
        const home = jumpHash(channel, 2);
        expect(found[home]).toContain(`shards:history:{${channel}}`);
        expect(found[1 - home]).not.toContain(`shards:history:{${channel}}`);
      }
      expect(found[0]!.length).toBeGreaterThan(0);
      expect(found[1]!.length).toBeGreaterThan(0);
    } finally {
      alice.disconnect();
    }
  });

  it('sends the subscriptions of one moment as one SUBSCRIBE per shard, and receives on all of them', async () => {
    const backend = await createRedisBackend(resolveBackendOptions({ type: 'redis', shards: servers.map((s) => s.url), prefix: 'batch:' }) as RedisOptions, 60);
    try {
      const received: string[] = [];
      const ignore = () => {};
      await backend.broker.start({ onPublication: (channel) => received.push(channel), onJoin: ignore, onLeave: ignore, onControl: ignore, onNode: ignore });
      // The node's own channels, left by the clients of the test before, are gone: only ours count.
      await eventually(async () => expect((await Promise.all(admins.map((admin) => admin.pubsub('CHANNELS', 'shards:pub:*')))).flat()).toEqual([]));
      await Promise.all(admins.map((admin) => admin.config('RESETSTAT')));
      const channels = Array.from({ length: 30 }, (_, i) => `chat:batch-${i}`);
      await Promise.all(channels.map((channel) => backend.broker.subscribe(channel)));
      expect(await Promise.all(admins.map((admin) => calls(admin, 'subscribe')))).toEqual([1, 1]);
      for (const channel of channels) await backend.broker.publish(channel, { data: channel }, {});
      await eventually(() => expect(received.sort()).toEqual([...channels].sort()));
      await Promise.all(channels.map((channel) => backend.broker.unsubscribe(channel)));
      expect(await Promise.all(admins.map((admin) => calls(admin, 'unsubscribe')))).toEqual([1, 1]);
    } finally {
      await backend.broker.close();
    }
  });

  it('serves the channels of a shard that is up while another is down', async () => {
    const carol = await client('carol');
    try {
      const onShard = (shard: number) => Array.from({ length: 50 }, (_, i) => `chat:down-${i}`).find((c) => jumpHash(c, 2) === shard)!;
      const [up, down] = [onShard(0), onShard(1)];
      const upSub = await subscribed(carol, up);
      const downSub = await subscribed(carol, down);
      await servers[1]!.kill();
      const delivered = collect<PublicationContext>(upSub, 'publication', 1);
      await upSub.publish({ text: 'still here' });
      expect((await delivered)[0]!.data).toEqual({ text: 'still here' });
      await expect(downSub.publish({ text: 'lost shard' })).rejects.toMatchObject({ code: 100 });
      await servers[1]!.restart();
      // The admin connection of the killed shard does not come back by itself: the next test (in
      // any order) gets a new one.
      admins[1]!.disconnect();
      admins[1] = await redisClient(servers[1]!.url);
      await eventually(async () => {
        await downSub.publish({ text: 'back' });
      }, 10_000);
    } finally {
      carol.disconnect();
    }
  });
});

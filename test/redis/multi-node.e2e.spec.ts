import type { PublicationContext } from 'centrifuge';
import type { Redis } from 'ioredis';
import { startFixture, type FixtureProcess } from '../fixtures/fixture-process.js';
import { collect, connectedClient, sdkClient, subscribed } from '../support/centrifuge-client.js';
import { eventually } from '../support/eventually.js';
import { api } from '../support/node-api.js';
import { nodePair } from '../support/node-pair.js';
import { clearPrefix, REDIS_URL, redisClient, testPrefix } from '../support/redis.js';
import { RedisServer } from '../support/redis-server.js';
import { connectionToken } from '../support/tokens.js';

/** How the nodes reach Redis: the environment of the node fixture, and what to stop afterwards. */
interface Topology {
  env(): Promise<Record<string, string>>;
  /** Clients of every Redis server the nodes use, to clean the prefix up. */
  servers(): Promise<Redis[]>;
  stop(): Promise<void>;
}

const oneRedis = (extra: Record<string, string>): Topology => ({
  env: async () => ({ REDIS_URL, ...extra }),
  servers: async () => [await redisClient()],
  stop: async () => {},
});

/** Two independent redis-servers of the test's own, channels spread across them (`backend.shards`). */
function twoShards(): Topology {
  let shards: RedisServer[] = [];
  return {
    env: async () => {
      shards = await Promise.all([RedisServer.start(), RedisServer.start()]);
      return { STREAMING_TEST_SHARDS: shards.map((s) => s.url).join(',') };
    },
    servers: async () => Promise.all(shards.map((s) => redisClient(s.url))),
    stop: async () => {
      await Promise.all(shards.map((s) => s.stop()));
    },
  };
}

/** Separate Node processes on one Redis (or on shards) behave as one server. */
describe.each<[string, Topology]>([
  ['one Redis', oneRedis({})],
  ['one Redis with sharded pub/sub', oneRedis({ STREAMING_TEST_SHARDED_PUBSUB: '1' })],
  ['two Redis shards', twoShards()],
])('several nodes on the Redis backend (%s)', (name, topology) => {
  const prefix = testPrefix(`multi-node-${name.replace(/\W+/g, '-')}`);
  const nodes = nodePair(async () => {
    const env = { ...(await topology.env()), STREAMING_TEST_PREFIX: prefix, STREAMING_TEST_PRESENCE_TTL: '2' };
    const redis = await topology.servers();
    const stop = async () => {
      for (const server of redis) {
        await clearPrefix(server, prefix);
        server.disconnect();
      }
      await topology.stop();
    };
    return { env, stop };
  });

  it('delivers across nodes exactly once and in order, with the same history on both', async () => {
    const alice = await nodes.client(nodes.a, 'alice');
    const bob = await nodes.client(nodes.b, 'bob');
    const subA = await subscribed(alice, 'chat:order');
    const subB = await subscribed(bob, 'chat:order');
    const gotA = collect<PublicationContext>(subA, 'publication', 40);
    const gotB = collect<PublicationContext>(subB, 'publication', 40);
    for (let n = 0; n < 20; n++) {
      await subA.publish({ n: `a${n}` });
      await api(nodes.b, 'publish', { channel: 'chat:order', data: { n: `b${n}` } });
    }
    const [onA, onB] = await Promise.all([gotA, gotB]);
    expect(onA.map((p) => p.data.n)).toEqual(onB.map((p) => p.data.n));
    expect(onA.map((p) => p.offset)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    const [historyA, historyB] = await Promise.all([api(nodes.a, 'history', { channel: 'chat:order', limit: -1 }), api(nodes.b, 'history', { channel: 'chat:order', limit: -1 })]);
    expect(historyA).toEqual(historyB);
    expect(historyA.publications).toHaveLength(40);
  });

  it('shows presence and join/leave of clients on both nodes', async () => {
    const alice = await nodes.client(nodes.a, 'alice');
    const subA = await subscribed(alice, 'chat:presence');
    const joined = new Promise<{ info: { user: string } }>((resolve) => subA.on('join', (ctx) => ctx.info.user === 'bob' && resolve(ctx)));
    const bob = await nodes.client(nodes.b, 'bob');
    const subB = await subscribed(bob, 'chat:presence');
    expect((await joined).info.user).toBe('bob');
    expect(Object.values((await subB.presence()).clients).map((c) => c.user).sort()).toEqual(['alice', 'bob']);
    expect(await api(nodes.a, 'presence_stats', { channel: 'chat:presence' })).toEqual({ num_clients: 2, num_users: 2 });
    const left = new Promise<{ info: { user: string } }>((resolve) => subA.on('leave', (ctx) => ctx.info.user === 'bob' && resolve(ctx)));
    bob.disconnect();
    expect((await left).info.user).toBe('bob');
  });

  it('recovers on one node what a client missed after leaving the other', async () => {
    const carol = await nodes.client(nodes.a, 'carol');
    const sub = await subscribed(carol, 'chat:recover');
    const first = collect<PublicationContext>(sub, 'publication', 1);
    await api(nodes.b, 'publish', { channel: 'chat:recover', data: 1 });
    const [{ offset }] = await first;
    const { epoch } = await api(nodes.a, 'history', { channel: 'chat:recover', limit: 0 });
    carol.disconnect();
    for (let n = 2; n <= 4; n++) await api(nodes.a, 'publish', { channel: 'chat:recover', data: n });

    const back = await nodes.client(nodes.b, 'carol');
    const resumed = back.newSubscription('chat:recover', { since: { offset: offset!, epoch } });
    const recovered = collect<PublicationContext>(resumed, 'publication', 3);
    const subscribedCtx = new Promise<{ recovered: boolean }>((resolve) => resumed.on('subscribed', resolve));
    resumed.subscribe();
    expect((await subscribedCtx).recovered).toBe(true);
    expect((await recovered).map((p) => p.data)).toEqual([2, 3, 4]);
  });

  it('lists every node in info, and drops one that shuts down at once', async () => {
    const uidOf = async (node: FixtureProcess) => ((await api(node, 'info', {})) as { nodes: Array<{ uid: string }> }).nodes[0]!.uid;
    const c = await startFixture('redis-node.ts', [], nodes.env);
    const [uidA, uidB, uidC] = await Promise.all([uidOf(nodes.a), uidOf(nodes.b), uidOf(c)]);
    const listed = async (node: FixtureProcess) => ((await api(node, 'info', {})) as { nodes: Array<{ uid: string }> }).nodes.map((n) => n.uid).sort();
    await eventually(async () => expect(await listed(nodes.a)).toEqual([uidA, uidB, uidC].sort()));
    await eventually(async () => expect(await listed(c)).toEqual([uidA, uidB, uidC].sort()));
    await c.close();
    // Well before the 7 s after which a silent node counts as gone: it said it leaves.
    await eventually(async () => expect(await listed(nodes.b)).toEqual([uidA, uidB].sort()), 3000);
  });

  it("drops a killed node's clients from presence within the TTL", async () => {
    const doomed = await startFixture('redis-node.ts', [], nodes.env);
    const dave = sdkClient(doomed.url, { token: await connectionToken('dave'), minReconnectDelay: 60_000 });
    await connectedClient(dave);
    await subscribed(dave, 'chat:killed');
    await eventually(async () => expect(await api(nodes.a, 'presence_stats', { channel: 'chat:killed' })).toEqual({ num_clients: 1, num_users: 1 }));
    await doomed.kill();
    dave.disconnect();
    const killedAt = Date.now();
    await eventually(async () => expect(await api(nodes.a, 'presence_stats', { channel: 'chat:killed' })).toEqual({ num_clients: 0, num_users: 0 }), 6000);
    expect(Date.now() - killedAt).toBeLessThan(4000);
  });
});

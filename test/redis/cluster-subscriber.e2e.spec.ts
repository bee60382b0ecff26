import { createRedisBackend } from '../../lib/backends/redis/redis-backend.js';
import type { Backend } from '../../lib/backends/backend.interface.js';
import { resolveBackendOptions, type ResolvedBackendOptions } from '../../lib/options/resolve-backend-options.js';
import { eventually } from '../support/eventually.js';
import { RedisCluster } from '../support/redis-cluster.js';

type RedisOptions = Extract<ResolvedBackendOptions, { type: 'redis' }>;

/**
 * The backend's own Cluster connections. ioredis keeps a Cluster's pub/sub on one node it picks;
 * when that node dies it subscribes again on another without a word. Messages of that moment are
 * lost to the node: the broker must report the gap (`onGap`), so that the node fills it from
 * history. The app's node options apply; with no node answering, commands fail at once.
 */
describe("the Redis backend's Cluster connections", () => {
  let cluster: RedisCluster;
  let backend: Backend;

  // A Cluster of each test's own: one test kills a node, another every node.
  beforeEach(async () => {
    cluster = await RedisCluster.start();
    backend = await createRedisBackend(resolveBackendOptions({ type: 'redis', cluster: { nodes: cluster.nodes, options: { redisOptions: { connectionName: 'app-named' } } }, prefix: 'moved:' }) as RedisOptions, 60);
  }, 60_000);
  afterEach(async () => {
    await backend?.broker.close();
    await cluster?.stop();
  });

  it('reports a gap once subscribed on another node, and receives there', async () => {
    const received: unknown[] = [];
    let gaps = 0;
    const ignore = () => {};
    await backend.broker.start({ onPublication: (_, p) => received.push(p.data), onJoin: ignore, onLeave: ignore, onControl: ignore, onNode: ignore, onGap: () => gaps++ });
    await backend.broker.subscribe('chat:moved');
    const node = await cluster.nodeWithSubscriber('ioredis-cluster(subscriber):app-named');
    expect(node).toBeDefined();
    await cluster.kill(node!);
    await eventually(() => expect(gaps).toBe(1), 10_000);
    await eventually(async () => expect(await cluster.nodeWithSubscriber('ioredis-cluster(subscriber):app-named')).toBeDefined());
    await backend.broker.publish('chat:moved', { data: 'after' }, {});
    await eventually(() => expect(received).toEqual(['after']));
  });

  it("connects to the nodes with the app's redisOptions", async () => {
    await backend.ping();
    expect(await cluster.connectionsNamed('app-named')).not.toEqual([]);
  });

  it('fails commands at once while no node answers, instead of queueing them', async () => {
    await Promise.all(cluster.servers.map((s) => s.kill()));
    // Bounded, not a wait for some state: a queued command would never settle.
    const settles = async () => {
      let timer: NodeJS.Timeout | undefined;
      const held = new Promise((resolve) => (timer = setTimeout(() => resolve('held'), 2000)));
      const outcome = await Promise.race([backend.ping().then(() => 'answered', (err: Error) => err.message), held]);
      clearTimeout(timer);
      return outcome;
    };
    await eventually(async () => expect(await settles()).toMatch(/isn't ready/), 10_000);
  });
});

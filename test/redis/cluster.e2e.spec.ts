import { crossNodeSmoke, survivesFailover } from '../support/node-checks.js';
import { nodePair } from '../support/node-pair.js';
import { RedisCluster } from '../support/redis-cluster.js';

/** Two nodes on a Redis Cluster of 3 masters and 3 replicas, and the master of a channel's slot killed under traffic. */
describe.each([
  ['pub/sub', {}],
  ['sharded pub/sub', { STREAMING_TEST_SHARDED_PUBSUB: '1' }],
])('two nodes on a Redis Cluster (%s)', (name, extra) => {
  let cluster: RedisCluster;
  const nodes = nodePair(async () => {
    cluster = await RedisCluster.start();
    const env = {
      ...extra,
      STREAMING_TEST_CLUSTER: cluster.nodes.map((n) => `${n.host}:${n.port}`).join(','),
      STREAMING_TEST_PREFIX: 'cluster:',
      STREAMING_TEST_HISTORY_SIZE: '10000',
    };
    return { env, stop: () => cluster.stop() };
  });

  it('delivers across nodes once and in order, with history and presence on both', async () => {
    await crossNodeSmoke(nodes.a, nodes.b, nodes.client);
  });

  it("keeps delivering when the master of the channel's slot dies: every acknowledged publication history holds, once, in order", async () => {
    const channel = 'chat:failover';
    const outcome = await survivesFailover([nodes.a, nodes.b], channel, async () => {
      await cluster.kill(await cluster.masterOf(`{${channel}}`));
    });
    const interruptions = outcome.readers.map((r) => r.interruptions);
    console.log(`cluster (${name}) failover: ${JSON.stringify({ faultMs: outcome.faultMs, acknowledged: outcome.acknowledged.length, lost: outcome.lost, refusals: outcome.refusals.length, interruptions })}`);
  }, 60_000);
});

import { crossNodeSmoke, survivesFailover } from '../support/node-checks.js';
import { nodePair } from '../support/node-pair.js';
import { RedisSentinelGroup } from '../support/redis-sentinel.js';

/** Two nodes on a Sentinel group (a master, a replica, three sentinels), and the master killed under traffic. */
describe('two nodes on Redis Sentinel', () => {
  let group: RedisSentinelGroup;
  const nodes = nodePair(async () => {
    group = await RedisSentinelGroup.start();
    const env = {
      STREAMING_TEST_SENTINELS: group.addresses.map((s) => `${s.host}:${s.port}`).join(','),
      STREAMING_TEST_SENTINEL_NAME: group.name,
      STREAMING_TEST_PREFIX: 'sentinel:',
      STREAMING_TEST_HISTORY_SIZE: '10000',
    };
    return { env, stop: () => group.stop() };
  });

  it('delivers across nodes once and in order, with history and presence on both', async () => {
    await crossNodeSmoke(nodes.a, nodes.b, nodes.client);
  });

  it('keeps delivering when the master dies and the sentinels promote the replica: every acknowledged publication history holds, once, in order', async () => {
    const outcome = await survivesFailover([nodes.a, nodes.b], 'chat:failover', async () => {
      await group.failOver();
    });
    const interruptions = outcome.readers.map((r) => r.interruptions);
    console.log(`sentinel failover: ${JSON.stringify({ faultMs: outcome.faultMs, acknowledged: outcome.acknowledged.length, lost: outcome.lost, refusals: outcome.refusals.length, interruptions })}`);
  }, 60_000);
});

import type { Centrifuge } from 'centrifuge';
import { startFixture, type FixtureProcess } from '../fixtures/fixture-process.js';
import { connectedClient, sdkClient } from '../support/centrifuge-client.js';
import { crossNodeSmoke, survivesFailover } from '../support/node-checks.js';
import { RedisCluster } from '../support/redis-cluster.js';
import { connectionToken } from '../support/tokens.js';

/** Two nodes on a Redis Cluster of 3 masters and 3 replicas, and the master of a channel's slot killed under traffic. */
describe.each([
  ['pub/sub', {}],
  ['sharded pub/sub', { STREAMING_TEST_SHARDED_PUBSUB: '1' }],
])('two nodes on a Redis Cluster (%s)', (name, extra) => {
  let cluster: RedisCluster;
  let a: FixtureProcess;
  let b: FixtureProcess;
  const clients: Centrifuge[] = [];

  async function client(node: FixtureProcess, user: string): Promise<Centrifuge> {
    const c = sdkClient(node.url, { token: await connectionToken(user) });
    clients.push(c);
    return connectedClient(c);
  }

  beforeAll(async () => {
    cluster = await RedisCluster.start();
    const env = {
      ...extra,
      STREAMING_TEST_CLUSTER: cluster.nodes.map((n) => `${n.host}:${n.port}`).join(','),
      STREAMING_TEST_PREFIX: 'cluster:',
      STREAMING_TEST_HISTORY_SIZE: '10000',
    };
    [a, b] = await Promise.all([startFixture('redis-node.ts', [], env), startFixture('redis-node.ts', [], env)]);
  }, 60_000);
  afterEach(() => {
    for (const c of clients.splice(0)) c.disconnect();
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await cluster?.stop();
  });

  it('delivers across nodes once and in order, with history and presence on both', async () => {
    await crossNodeSmoke(a, b, client);
  });

  it("keeps delivering when the master of the channel's slot dies: every acknowledged publication history holds, once, in order", async () => {
    const channel = 'chat:failover';
    const outcome = await survivesFailover([a, b], channel, async () => {
      await cluster.kill(await cluster.masterOf(`{${channel}}`));
    });
    const interruptions = outcome.readers.map((r) => r.interruptions);
    console.log(`cluster (${name}) failover: ${JSON.stringify({ faultMs: outcome.faultMs, acknowledged: outcome.acknowledged.length, lost: outcome.lost, refusals: outcome.refusals.length, interruptions })}`);
  }, 60_000);
});

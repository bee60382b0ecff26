import type { Centrifuge } from 'centrifuge';
import { startFixture, type FixtureProcess } from '../fixtures/fixture-process.js';
import { connectedClient, sdkClient } from '../support/centrifuge-client.js';
import { crossNodeSmoke, survivesFailover } from '../support/node-checks.js';
import { RedisSentinelGroup } from '../support/redis-sentinel.js';
import { connectionToken } from '../support/tokens.js';

/** Two nodes on a Sentinel group (a master, a replica, three sentinels), and the master killed under traffic. */
describe('two nodes on Redis Sentinel', () => {
  let group: RedisSentinelGroup;
  let a: FixtureProcess;
  let b: FixtureProcess;
  const clients: Centrifuge[] = [];

  async function client(node: FixtureProcess, user: string): Promise<Centrifuge> {
    const c = sdkClient(node.url, { token: await connectionToken(user) });
    clients.push(c);
    return connectedClient(c);
  }

  beforeAll(async () => {
    group = await RedisSentinelGroup.start();
    const env = {
      STREAMING_TEST_SENTINELS: group.addresses.map((s) => `${s.host}:${s.port}`).join(','),
      STREAMING_TEST_SENTINEL_NAME: group.name,
      STREAMING_TEST_PREFIX: 'sentinel:',
      STREAMING_TEST_HISTORY_SIZE: '10000',
    };
    [a, b] = await Promise.all([startFixture('redis-node.ts', [], env), startFixture('redis-node.ts', [], env)]);
  }, 60_000);
  afterEach(() => {
    for (const c of clients.splice(0)) c.disconnect();
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await group?.stop();
  });

  it('delivers across nodes once and in order, with history and presence on both', async () => {
    await crossNodeSmoke(a, b, client);
  });

  it('keeps delivering when the master dies and the sentinels promote the replica: every acknowledged publication history holds, once, in order', async () => {
    const outcome = await survivesFailover([a, b], 'chat:failover', async () => {
      await group.failOver();
    });
    const interruptions = outcome.readers.map((r) => r.interruptions);
    console.log(`sentinel failover: ${JSON.stringify({ faultMs: outcome.faultMs, acknowledged: outcome.acknowledged.length, lost: outcome.lost, refusals: outcome.refusals.length, interruptions })}`);
  }, 60_000);
});

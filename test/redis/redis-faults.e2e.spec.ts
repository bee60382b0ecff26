import type { PublicationContext } from 'centrifuge';
import { startFixture, type FixtureProcess } from '../fixtures/fixture-process.js';
import { connectedClient, sdkClient, subscribed } from '../support/centrifuge-client.js';
import { eventually } from '../support/eventually.js';
import { RedisServer } from '../support/redis-server.js';
import { connectionToken } from '../support/tokens.js';

/** Redis killed and started again under traffic between two nodes. */
describe('the Redis backend while Redis fails', () => {
  let redis: RedisServer;
  let a: FixtureProcess;
  let b: FixtureProcess;

  beforeAll(async () => {
    redis = await RedisServer.start();
    const env = { REDIS_URL: redis.url, STREAMING_TEST_PREFIX: 'faults:' };
    [a, b] = await Promise.all([startFixture('redis-node.ts', [], env), startFixture('redis-node.ts', [], env)]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await redis?.stop();
  });

  it('loses nothing acknowledged: subscribers reconnect and recover what they missed, publishers get errors and retry', async () => {
    const reader = sdkClient(b.url, { token: await connectionToken('reader') });
    const writer = sdkClient(a.url, { token: await connectionToken('writer') });
    try {
      await Promise.all([connectedClient(reader), connectedClient(writer)]);
      const sub = await subscribed(reader, 'chat:faults');
      const pub = await subscribed(writer, 'chat:faults');
      const received: number[] = [];
      sub.on('publication', (ctx: PublicationContext) => received.push(ctx.data.n));
      const acknowledged: number[] = [];
      const refusals: number[] = [];
      let n = 0;
      let running = true;
      const publisher = (async () => {
        while (running) {
          const value = n++;
          try {
            await pub.publish({ n: value });
            acknowledged.push(value);
          } catch (err) {
            refusals.push((err as { code: number }).code);
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        }
      })();
      await eventually(() => expect(acknowledged.length).toBeGreaterThan(20));
      await redis.kill();
      await eventually(() => expect(refusals.length).toBeGreaterThan(0));
      const beforeRestart = acknowledged.length;
      await redis.restart();
      await eventually(() => expect(acknowledged.length).toBeGreaterThan(beforeRestart + 20), 15_000);
      running = false;
      await publisher;
      // Every publication Redis acknowledged reaches the reader, once, in order.
      await eventually(() => expect(received.filter((v) => acknowledged.includes(v))).toEqual(acknowledged), 15_000);
      expect(new Set(received).size).toBe(received.length);
      // Refused while Redis was away with a temporary error, which the SDK's callers may retry.
      expect(new Set(refusals)).toEqual(new Set([100]));
    } finally {
      reader.disconnect();
      writer.disconnect();
    }
  }, 60_000);
});

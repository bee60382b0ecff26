import type { INestApplication } from '@nestjs/common';
import type { Centrifuge, PublicationContext } from 'centrifuge';
import type { AddressInfo } from 'node:net';
import { StreamingTokens } from '../../lib/index.js';
import { createSampleApp } from '../../sample/app.js';
import { loadConfig } from '../../sample/config.js';
import { tokenFromArgs } from '../../sample/tokens.js';
import { collect, connectedClient, sdkClient, subscribed } from '../support/centrifuge-client.js';
import { REDIS_URL, redisClient } from '../support/redis.js';

/** The sample contract of the Redis issue: `STREAMING_BACKEND=redis` nodes of the sample are one system. */
describe('two sample nodes on Redis', () => {
  const apps: INestApplication[] = [];
  const urls: string[] = [];
  const clients: Centrifuge[] = [];
  const room = `chat:two-nodes-${process.pid}-${Date.now()}`;

  beforeAll(async () => {
    (await redisClient()).disconnect();
    for (let i = 0; i < 2; i++) {
      const app = await createSampleApp(loadConfig({ STREAMING_BACKEND: 'redis', REDIS_URL }), { logger: false });
      await app.listen(0, '127.0.0.1');
      apps.push(app);
      urls.push(`ws://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}/connection/websocket`);
    }
  }, 30_000);
  afterAll(async () => {
    for (const c of clients) c.disconnect();
    for (const app of apps) await app.close();
  });

  async function client(node: number, user: string): Promise<Centrifuge> {
    const c = sdkClient(urls[node]!, { token: await tokenFromArgs([user], apps[node]!.get(StreamingTokens)) });
    clients.push(c);
    return connectedClient(c);
  }

  it('carries messages, typing and presence from one node to the other', async () => {
    const alice = await client(0, 'alice');
    const bob = await client(1, 'bob');
    const subA = await subscribed(alice, room);
    const subB = await subscribed(bob, room);
    const got = collect<PublicationContext>(subB, 'publication', 2);
    await subA.publish({ text: 'from node one' });
    await alice.rpc('typing', { channel: room });
    const [message, typing] = await got;
    expect(message!.data).toMatchObject({ text: 'from node one', user: 'alice' });
    expect(message!.tags).toMatchObject({ type: 'message', id: expect.any(String) });
    expect(typing!.tags).toEqual({ type: 'typing' });
    expect(await subB.presenceStats()).toEqual({ numClients: 2, numUsers: 2 });
    expect((await subB.history({ limit: -1 })).publications.map((p) => p.data.text)).toEqual(['from node one']);
  });
});

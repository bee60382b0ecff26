import type { PublicationContext } from 'centrifuge';
import { startApp, type TestApp } from '../support/app.js';
import { collect, connectedClient, sdkClient, subscribed } from '../support/centrifuge-client.js';
import { eventually } from '../support/eventually.js';
import { RedisServer } from '../support/redis-server.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { connectionToken, TEST_SECRET } from '../support/tokens.js';

/**
 * A node that loses its Redis connections for a moment, while its clients stay connected to it
 * and another node publishes: the messages of that moment never reach the node by pub/sub. Its
 * clients must get them all the same, without reconnecting: the node reads them from history.
 */
describe('a node whose Redis connection drops while its clients stay', () => {
  let redis: RedisServer;
  let proxy: TcpProxy;
  let cut: TestApp;
  let other: TestApp;

  beforeAll(async () => {
    redis = await RedisServer.start();
    proxy = await TcpProxy.start(redis.port);
    const options = (url: string) => ({
      auth: { jwt: { secret: TEST_SECRET } },
      backend: { type: 'redis' as const, url, prefix: 'gap:', startupTimeout: 5 },
      namespaces: { chat: { preset: 'chat' as const } },
    });
    [cut, other] = await Promise.all([startApp(options(proxy.url)), startApp(options(redis.url))]);
  }, 30_000);
  afterAll(async () => {
    await Promise.all([cut?.close(), other?.close()]);
    await proxy?.close();
    await redis?.stop();
  });

  it('delivers what was published meanwhile, in order, once, to clients that stay connected', async () => {
    const reader = await connectedClient(sdkClient(cut.wsUrl, { token: await connectionToken('reader') }));
    const writer = await connectedClient(sdkClient(other.wsUrl, { token: await connectionToken('writer') }));
    try {
      const sub = await subscribed(reader, 'chat:gap');
      // A channel nothing was published to before the cut: the node follows it from its top.
      const quiet = await subscribed(reader, 'chat:gap-quiet');
      const disconnects: number[] = [];
      reader.on('disconnected', (ctx) => disconnects.push(ctx.code));
      const pub = await subscribed(writer, 'chat:gap');
      const first = collect<PublicationContext>(sub, 'publication', 1);
      await pub.publish({ n: 0 });
      await first;
      const quietPub = await subscribed(writer, 'chat:gap-quiet');
      // (The node read the quiet channel's top before the subscribe reply's own read of the position,
      // on the same Redis connection: by the time the client is subscribed, the node follows it.)
      const rest = collect<PublicationContext>(sub, 'publication', 3, 15_000);
      const quietRest = collect<PublicationContext>(quiet, 'publication', 1, 15_000);
      proxy.cut();
      for (let n = 1; n <= 3; n++) await pub.publish({ n });
      await quietPub.publish({ n: 'quiet' });
      proxy.resume();
      expect((await rest).map((p) => p.data.n)).toEqual([1, 2, 3]);
      expect((await quietRest).map((p) => p.data.n)).toEqual(['quiet']);
      const after = collect<PublicationContext>(sub, 'publication', 1);
      await pub.publish({ n: 4 });
      expect((await after).map((p) => p.data.n)).toEqual([4]);
      expect(disconnects).toEqual([]);
    } finally {
      reader.disconnect();
      writer.disconnect();
    }
  });
});

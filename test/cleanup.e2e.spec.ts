import type { Backend } from '../lib/backends/backend.interface.js';
import { StreamingManager } from '../lib/index.js';
import { startApp, type TestApp } from './support/app.js';
import { RawClient } from './support/raw-client.js';
import { storesOf } from './support/stores.js';
import { failEvery, failOnce } from './support/store-gate.js';
import { connectionToken, TEST_SECRET } from './support/tokens.js';
import { until } from './support/wait.js';

/**
 * A subscribe, or the server-side subscriptions of a connect, failing half-way (a store call fails
 * after the client was counted in the channel): nothing of it may stay behind.
 */
describe('cleanup after a subscription fails half-way', () => {
  let server: TestApp;
  let manager: StreamingManager;
  let stores: Backend;
  const sockets: RawClient[] = [];
  let restore: (() => void) | undefined;

  async function open(claims: Record<string, unknown> = {}): Promise<{ c: RawClient; reply: any }> {
    const c = await RawClient.open(server.wsUrl);
    sockets.push(c);
    c.command({ id: 1, connect: { token: await connectionToken('alice', claims) } });
    return { c, reply: await c.reply(1).catch(() => undefined) };
  }

  beforeAll(async () => {
    server = await startApp({
      auth: { jwt: { secret: TEST_SECRET } },
      namespaces: { feed: { historySize: 10, historyTtl: 60, forcePositioning: true, presence: true } },
    });
    manager = server.app.get(StreamingManager);
    stores = storesOf(server.app);
  });

  afterEach(async () => {
    restore?.();
    restore = undefined;
    for (const c of sockets.splice(0)) c.close();
    await until(() => manager.stats().numClients === 0, 'the test clients are gone');
  });

  afterAll(async () => {
    await server.close();
  });

  it('answers a subscribe whose history position fails with 100, and leaves no subscription behind', async () => {
    const { c } = await open();
    // Every read of the position fails: the node's own read of the channel's top, then the subscribe's.
    restore = failEvery(stores.history, 'position', 'feed:a');
    c.command({ id: 2, subscribe: { channel: 'feed:a' } });
    expect((await c.reply(2)).error).toMatchObject({ code: 100, temporary: true });
    expect(manager.stats()).toMatchObject({ numChannels: 0, numSubscriptions: 0 });
    expect(await manager.presence('feed:a')).toEqual({});
    restore();
    restore = undefined;

    // Nothing is delivered for it, and subscribing again works (no 105 already subscribed).
    await manager.publish('feed:a', { n: 1 });
    c.command({ id: 3, subscribe: { channel: 'feed:a' } });
    expect((await c.reply(3)).subscribe).toMatchObject({ positioned: true, offset: 1 });
    await manager.publish('feed:a', { n: 2 });
    await c.waitFor((m) => m.push?.pub?.data.n === 2);
    expect(c.messages.filter((m) => m.push?.pub).map((m) => m.push.pub.data.n)).toEqual([2]);
  });

  it('answers a subscribe whose presence fails with 100, and leaves no subscription behind', async () => {
    const { c } = await open();
    restore = failOnce(stores.presence, 'add', 'feed:b');
    c.command({ id: 2, subscribe: { channel: 'feed:b' } });
    expect((await c.reply(2)).error).toMatchObject({ code: 100 });
    expect(manager.stats()).toMatchObject({ numChannels: 0, numSubscriptions: 0 });
    c.command({ id: 3, subscribe: { channel: 'feed:b' } });
    expect((await c.reply(3)).subscribe).toBeDefined();
    expect(Object.keys(await manager.presence('feed:b'))).toHaveLength(1);
  });

  it('closes a connection whose second server-side subscription fails with 3004, releasing the first', async () => {
    restore = failOnce(stores.presence, 'add', 'feed:second');
    const { c, reply } = await open({ channels: ['feed:first', 'feed:second'] });
    expect(reply).toBeUndefined();
    expect(await c.closeCode()).toBe(3004);
    await until(() => manager.stats().numClients === 0, 'the server dropped the client');
    await until(() => manager.stats().numSubscriptions === 0, 'the server dropped its subscriptions');
    expect(manager.stats()).toMatchObject({ numUsers: 0, numChannels: 0 });
    expect(await manager.presence('feed:first')).toEqual({});

    // The SDK reconnects: the same token works once the store does.
    const again = await open({ channels: ['feed:first', 'feed:second'] });
    expect(Object.keys(again.reply.connect.subs).sort()).toEqual(['feed:first', 'feed:second']);
  });
});

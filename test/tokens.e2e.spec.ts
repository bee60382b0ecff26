import type { Centrifuge } from 'centrifuge';
import { decodeJwt } from 'jose';
import { StreamingManager, type StreamingModuleOptions } from '../lib/index.js';
import { startApp, type TestApp } from './support/app.js';
import { collect, once, sdkClient } from './support/centrifuge-client.js';
import { RawClient } from './support/raw-client.js';
import { connectionToken, subscriptionToken, TEST_SECRET } from './support/tokens.js';
import { until } from './support/wait.js';

/** Seconds the server waits past a token's expiry for its refresh. */
const GRACE = 2;
/** When the server's grace for a token ends, in ms: past it, an unrefreshed token would have been acted on. */
const pastGrace = (token: string) => (decodeJwt(token).exp! + GRACE) * 1000 + 250;

/** A promise that never settles: a getToken the app never answers. */
const never = <T>() => new Promise<T>(() => undefined);

const options: StreamingModuleOptions = {
  // Two seconds of grace keep expiry tests short (the default is Centrifugo's 25) and still hold the
  // SDK's refresh: it comes after the reply's ttl, which counts from the current whole second and so
  // may end up to a second after the real expiry.
  auth: { jwt: { secret: TEST_SECRET }, expiredCloseDelay: GRACE, expiredSubCloseDelay: GRACE },
  namespaces: {
    team: { allowSubscribeForClient: false },
    crew: { allowSubscribeForClient: false, allowPublishForSubscriber: true },
    news: {},
    feed: { historySize: 10, historyTtl: 60, forceRecovery: true },
    chat: { allowPublishForSubscriber: true },
    room: { presence: true, allowPublishForSubscriber: true },
  },
};

/** Tokens and their lifecycle with the official SDK: getToken refreshes, expiry, server-side subscriptions. */
describe('tokens with the centrifuge SDK', () => {
  let server: TestApp;
  let manager: StreamingManager;
  const clients: Centrifuge[] = [];

  function client(opts: Parameters<typeof sdkClient>[1]): Centrifuge {
    const c = sdkClient(server.wsUrl, opts);
    clients.push(c);
    return c;
  }

  async function connected(c: Centrifuge): Promise<Centrifuge> {
    const ready = once(c, 'connected');
    c.connect();
    await ready;
    return c;
  }

  beforeAll(async () => {
    server = await startApp(options);
    manager = server.app.get(StreamingManager);
  });

  afterEach(() => {
    for (const c of clients.splice(0)) c.disconnect();
  });

  afterAll(async () => {
    await server.close();
  });

  describe('connection tokens', () => {
    it('refreshes an expiring connection through getToken and stays connected past the first expiry', async () => {
      let calls = 0;
      const first = await connectionToken('carol', {}, 2);
      const c = client({
        token: first,
        getToken: async () => {
          calls++;
          return connectionToken('carol', {}, 2);
        },
      });
      const drops: number[] = [];
      c.on('disconnected', (ctx) => drops.push(ctx.code));
      c.on('connecting', (ctx) => drops.push(ctx.code));
      await connected(c);
      drops.length = 0;
      await until(() => Date.now() > pastGrace(first), "the first token's expiry and its grace are over", 10_000);
      expect(drops).toEqual([]);
      expect(calls).toBeGreaterThanOrEqual(1);
      expect(c.state).toBe('connected');
    }, 15_000);

    it('closes a connection not refreshed in time with 3005; the SDK reconnects with a new token', async () => {
      let calls = 0;
      const c = client({
        token: await connectionToken('dave', {}, 1),
        getToken: async () => (++calls === 1 ? never<string>() : connectionToken('dave')),
      });
      await connected(c);
      const dropped = once<any>(c, 'connecting', 10_000);
      expect((await dropped).code).toBe(3005);
      await once(c, 'connected', 10_000);
      expect(calls).toBe(2); // the refresh that never answered, then the one after the 109 of the reconnect
    }, 20_000);
  });

  describe('subscription tokens', () => {
    it('subscribes to a private channel with getToken and refreshes the subscription through sub_refresh', async () => {
      const c = await connected(client({ token: await connectionToken('erin') }));
      let calls = 0;
      const tokens: string[] = [];
      const sub = c.newSubscription('team:a', {
        getToken: async (ctx) => {
          calls++;
          tokens.push(await subscriptionToken('erin', ctx.channel, { info: { seat: calls } }, 2));
          return tokens[tokens.length - 1]!;
        },
      });
      const resubscribes: number[] = [];
      sub.on('subscribing', (ctx) => resubscribes.push(ctx.code));
      const ready = once(sub, 'subscribed');
      sub.subscribe();
      await ready;
      resubscribes.length = 0;
      await until(() => Date.now() > pastGrace(tokens[0]!), "the first token's expiry and its grace are over", 10_000);
      expect(resubscribes).toEqual([]);
      expect(calls).toBeGreaterThanOrEqual(2);
      const got = once<any>(sub, 'publication');
      await manager.publish('team:a', { still: 'here' });
      expect((await got).data).toEqual({ still: 'here' });
    }, 15_000);

    it('ends a subscription not refreshed in time with 2501; the SDK subscribes again with a new token', async () => {
      const c = await connected(client({ token: await connectionToken('frank') }));
      let calls = 0;
      const sub = c.newSubscription('team:b', {
        getToken: async (ctx) => {
          calls++;
          if (calls === 2) return never<string>();
          return subscriptionToken('frank', ctx.channel, {}, calls === 1 ? 1 : 3600);
        },
      });
      const ready = once(sub, 'subscribed');
      sub.subscribe();
      await ready;
      const expired = once<any>(sub, 'subscribing', 10_000);
      expect((await expired).code).toBe(2501);
      await once(sub, 'subscribed', 10_000);
      expect(calls).toBe(3);
      expect(c.state).toBe('connected');
    }, 20_000);

    it('puts the token info into chan_info of the client in the channel', async () => {
      const c = await connected(client({ token: await connectionToken('gina') }));
      const sub = c.newSubscription('crew:c', {
        getToken: async (ctx) => subscriptionToken('gina', ctx.channel, { info: { role: 'lead' } }),
      });
      const ready = once(sub, 'subscribed');
      sub.subscribe();
      await ready;
      const got = once<any>(sub, 'publication');
      await sub.publish({ n: 1 });
      expect((await got).info).toMatchObject({ user: 'gina', chanInfo: { role: 'lead' } });
    });

    it('takes data, b64info and overrides from a subscription token', async () => {
      const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');
      const c = await connected(client({ token: await connectionToken('hal') }));
      const token = await subscriptionToken('hal', 'room:tok', { data: { hello: 1 }, b64info: b64({ seat: 3 }), override: { presence: { value: false } } });
      const sub = c.newSubscription('room:tok', { getToken: async () => token });
      const ready = once<any>(sub, 'subscribed');
      sub.subscribe();
      expect((await ready).data).toEqual({ hello: 1 });
      // presence is on in the room namespace, off for this subscription.
      expect(Object.values(await manager.presence('room:tok')).map((info) => info.user)).not.toContain('hal');
      const got = once<any>(sub, 'publication');
      await sub.publish({ n: 1 });
      expect((await got).info).toMatchObject({ user: 'hal', chanInfo: { seat: 3 } });
    });

    it('binds a subscription token with a client claim to that connection: another one is closed with 3500', async () => {
      const c = client({ token: await connectionToken('ines') });
      const ready = once<any>(c, 'connected');
      c.connect();
      const { client: id } = await ready;
      const own = c.newSubscription('team:own', { getToken: async (ctx) => subscriptionToken('ines', ctx.channel, { client: id }) });
      const subscribed = once(own, 'subscribed');
      own.subscribe();
      await subscribed;

      const other = await connected(client({ token: await connectionToken('ines') }));
      const closed = once<any>(other, 'disconnected');
      other.newSubscription('team:own', { getToken: async (ctx) => subscriptionToken('ines', ctx.channel, { client: id }) }).subscribe();
      expect((await closed).code).toBe(3500);
    });
  });

  describe('server-side subscriptions', () => {
    it('subscribes to the channels claim and delivers publications as server-side events', async () => {
      const c = client({ token: await connectionToken('hugo', { channels: ['news:hugo', 'news:all'] }) });
      const subscribed = collect<any>(c, 'subscribed', 2);
      c.connect();
      expect((await subscribed).map((ctx) => ctx.channel).sort()).toEqual(['news:all', 'news:hugo']);
      const got = once<any>(c, 'publication');
      await manager.publish('news:hugo', { for: 'hugo' });
      expect(await got).toMatchObject({ channel: 'news:hugo', data: { for: 'hugo' } });
    });

    it('takes info, data and overrides from the subs claim, and b64info for the connection', async () => {
      const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');
      const c = client({
        token: await connectionToken('ida', {
          b64info: b64({ name: 'Ida' }),
          subs: {
            'room:ida': { data: { welcome: true }, b64info: b64({ seat: 7 }) },
            'room:quiet': { override: { presence: { value: false } } },
          },
        }),
      });
      const subscribed = collect<any>(c, 'subscribed', 2);
      c.connect();
      const byChannel = Object.fromEntries((await subscribed).map((ctx) => [ctx.channel, ctx]));
      expect(byChannel['room:ida'].data).toEqual({ welcome: true });
      const presence = await manager.presence('room:ida');
      expect(Object.values(presence)).toEqual([expect.objectContaining({ user: 'ida', conn_info: { name: 'Ida' }, chan_info: { seat: 7 } })]);
      expect(await manager.presence('room:quiet')).toEqual({});
      const got = once<any>(c, 'publication');
      await c.publish('room:ida', { text: 'mine' });
      expect((await got).info).toMatchObject({ user: 'ida', connInfo: { name: 'Ida' }, chanInfo: { seat: 7 } });
    });

    it('recovers the publications of a server-side subscription missed while reconnecting', async () => {
      const c = client({ token: await connectionToken('jack', { channels: ['feed:jack'] }) });
      const first = once<any>(c, 'subscribed');
      c.connect();
      await first;
      await manager.publish('feed:jack', { n: 0 });
      await once(c, 'publication');

      const received: number[] = [];
      c.on('publication', (ctx: any) => received.push(ctx.data.n));
      const resubscribed = once<any>(c, 'subscribed');
      c.once('connecting', () => {
        for (let n = 1; n <= 3; n++) void manager.publish('feed:jack', { n });
      });
      await manager.disconnect('jack', { code: 3011, reason: 'force reconnect' });
      const ctx = await resubscribed;
      expect(ctx).toMatchObject({ channel: 'feed:jack', wasRecovering: true, recovered: true });
      // Published after the recovery: once it is here, anything recovered (or repeated) is here too.
      await manager.publish('feed:jack', { n: 4 });
      await until(() => received.includes(4), 'the publication after the recovery arrived');
      expect(received).toEqual([1, 2, 3, 4]);
    });
  });

  describe('tokens whose expire_at is already past (exp is not)', () => {
    const past = () => Math.floor(Date.now() / 1000) - 5;
    const sockets: RawClient[] = [];

    async function connectedRaw(user: string): Promise<RawClient> {
      const c = await RawClient.connected(server.wsUrl, await connectionToken(user));
      sockets.push(c);
      return c;
    }

    afterEach(() => {
      for (const c of sockets.splice(0)) c.close();
    });

    it('answers refresh with 110 and keeps the connection', async () => {
      const c = await connectedRaw('kim');
      c.command({ id: 2, refresh: { token: await connectionToken('kim', { expire_at: past() }) } });
      expect((await c.reply(2)).error.code).toBe(110);
      c.command({ id: 3, refresh: { token: await connectionToken('kim') } });
      expect((await c.reply(3)).refresh).toMatchObject({ expires: true });
    });

    it('answers subscribe and sub_refresh with 110', async () => {
      const c = await connectedRaw('lea');
      c.command({ id: 2, subscribe: { channel: 'team:x', token: await subscriptionToken('lea', 'team:x', { expire_at: past() }) } });
      expect((await c.reply(2)).error.code).toBe(110);
      c.command({ id: 3, subscribe: { channel: 'team:x', token: await subscriptionToken('lea', 'team:x') } });
      expect((await c.reply(3)).subscribe).toMatchObject({ expires: true });
      c.command({ id: 4, sub_refresh: { channel: 'team:x', token: await subscriptionToken('lea', 'team:x', { expire_at: past() }) } });
      expect((await c.reply(4)).error.code).toBe(110);
    });

    it('lets a sub_refresh whose token never expires (expire_at 0) stop the subscription expiring', async () => {
      const c = await connectedRaw('mia');
      // team:clock expires a second after team:x would have: its 2501 says team:x's moment has passed.
      c.command({ id: 2, subscribe: { channel: 'team:x', token: await subscriptionToken('mia', 'team:x', {}, 1) } });
      c.command({ id: 3, subscribe: { channel: 'team:clock', token: await subscriptionToken('mia', 'team:clock', {}, 2) } });
      expect((await c.reply(2)).subscribe).toMatchObject({ expires: true });
      c.command({ id: 4, sub_refresh: { channel: 'team:x', token: await subscriptionToken('mia', 'team:x', { expire_at: 0 }) } });
      expect((await c.reply(4)).sub_refresh).toEqual({});
      const unsubscribed = (channel: string) => (m: any) => m.push?.channel === channel && m.push.unsubscribe;
      expect((await c.waitFor(unsubscribed('team:clock'), 10_000)).push.unsubscribe.code).toBe(2501);
      expect(c.messages.some(unsubscribed('team:x'))).toBe(false);
    });
  });
});

import { Injectable } from '@nestjs/common';
import type { Centrifuge } from 'centrifuge';
import { OnRpc, StreamingHandlers, StreamingManager, type StreamingModuleOptions } from '../lib/index.js';
import { startApp, type TestApp } from './support/app.js';
import { collect, connectedClient, once, sdkClient, subscribed } from './support/centrifuge-client.js';
import { connectionToken, TEST_SECRET } from './support/tokens.js';
import { until } from './support/wait.js';

@StreamingHandlers()
@Injectable()
class EchoHandlers {
  @OnRpc('echo')
  echo(data: unknown) {
    return data;
  }
}

const options: StreamingModuleOptions = {
  auth: { jwt: { secret: TEST_SECRET }, anonymous: true },
  namespaces: {
    chat: {
      presence: true,
      joinLeave: true,
      forcePushJoinLeave: true,
      historySize: 100,
      historyTtl: 3600,
      forceRecovery: true,
      allowPublishForSubscriber: true,
    },
    public: { allowSubscribeForAnonymous: true },
  },
};

describe('official centrifuge SDK against the server', () => {
  let server: TestApp;
  let manager: StreamingManager;
  const clients: Centrifuge[] = [];

  async function connected(user?: string, extra: Record<string, unknown> = {}): Promise<Centrifuge> {
    const token = user === undefined ? undefined : await connectionToken(user, extra);
    const client = sdkClient(server.wsUrl, token ? { token } : {});
    clients.push(client);
    return connectedClient(client);
  }

  beforeAll(async () => {
    server = await startApp(options, [EchoHandlers]);
    manager = server.app.get(StreamingManager);
  });

  afterEach(() => {
    for (const c of clients.splice(0)) c.disconnect();
  });

  afterAll(async () => {
    await server.close();
  });

  it('connects with a token and reports the user in publications', async () => {
    const alice = await connected('alice', { info: { name: 'Alice' } });
    const sub = await subscribed(alice, 'chat:general');
    const got = once<any>(sub, 'publication');
    await sub.publish({ text: 'hi' });
    const pub = await got;
    expect(pub.data).toEqual({ text: 'hi' });
    expect(pub.info).toMatchObject({ user: 'alice', connInfo: { name: 'Alice' } });
    expect(pub.offset).toBeGreaterThan(0);
  });

  it('connects anonymously when allowed and may subscribe only where anonymous access is on', async () => {
    const anon = await connected();
    await subscribed(anon, 'public:news');
    const sub = anon.newSubscription('chat:general');
    const failed = once<any>(sub, 'unsubscribed');
    sub.subscribe();
    expect((await failed).code).toBe(103);
  });

  it('delivers publications to every subscriber, from clients and from StreamingManager', async () => {
    const alice = await connected('alice');
    const bob = await connected('bob');
    const subA = await subscribed(alice, 'chat:room1');
    const subB = await subscribed(bob, 'chat:room1');
    const toBob = collect<any>(subB, 'publication', 2);
    const toAlice = collect<any>(subA, 'publication', 2);
    await subA.publish({ n: 1 });
    await manager.publish('chat:room1', { n: 2 });
    expect((await toBob).map((p) => p.data)).toEqual([{ n: 1 }, { n: 2 }]);
    expect((await toAlice).map((p) => p.data)).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('answers presence and presence stats', async () => {
    const alice = await connected('alice');
    const bob = await connected('bob');
    const subA = await subscribed(alice, 'chat:presence');
    await subscribed(bob, 'chat:presence');
    const presence = await subA.presence();
    expect(Object.values(presence.clients).map((c: any) => c.user).sort()).toEqual(['alice', 'bob']);
    expect(await subA.presenceStats()).toEqual({ numClients: 2, numUsers: 2 });
  });

  it('pushes join and leave', async () => {
    const alice = await connected('alice');
    const bob = await connected('bob');
    const subA = await subscribed(alice, 'chat:joins');
    const joined = new Promise<any>((resolve) => subA.on('join', (ctx) => ctx.info.user === 'bob' && resolve(ctx)));
    const subB = await subscribed(bob, 'chat:joins');
    expect((await joined).info.user).toBe('bob');
    const left = once<any>(subA, 'leave');
    subB.unsubscribe();
    expect((await left).info.user).toBe('bob');
  });

  it('returns history with limit, since and reverse', async () => {
    const alice = await connected('alice');
    const sub = await subscribed(alice, 'chat:history');
    for (let i = 1; i <= 5; i++) await manager.publish('chat:history', { i });
    const all = await sub.history({ limit: -1 });
    expect(all.publications.map((p: any) => p.data.i)).toEqual([1, 2, 3, 4, 5]);
    expect(all.offset).toBe(5);
    const two = await sub.history({ limit: 2 });
    expect(two.publications.map((p: any) => p.data.i)).toEqual([1, 2]);
    const since = await sub.history({ limit: 10, since: { offset: 3, epoch: all.epoch } });
    expect(since.publications.map((p: any) => p.data.i)).toEqual([4, 5]);
    const reverse = await sub.history({ limit: 2, reverse: true });
    expect(reverse.publications.map((p: any) => p.data.i)).toEqual([5, 4]);
    const onlyPosition = await sub.history({ limit: 0 });
    expect(onlyPosition).toMatchObject({ publications: [], offset: 5, epoch: all.epoch });
    await expect(sub.history({ limit: 10, since: { offset: 1, epoch: 'other' } })).rejects.toMatchObject({ code: 112 });
  });

  it('recovers, in order, the publications sent while the connection was down', async () => {
    const alice = await connected('alice');
    const sub = await subscribed(alice, 'chat:recovery');
    await manager.publish('chat:recovery', { n: 0 });
    await once(sub, 'publication');

    const received: number[] = [];
    sub.on('publication', (ctx: any) => received.push(ctx.data.n));
    const resubscribed = once<any>(sub, 'subscribed');
    alice.once('connecting', () => {
      // The SDK waits at least minReconnectDelay before reconnecting: these land while it is away.
      for (let n = 1; n <= 5; n++) void manager.publish('chat:recovery', { n });
    });
    await manager.disconnect('alice', { code: 3011, reason: 'force reconnect' });
    const ctx = await resubscribed;
    expect(ctx.wasRecovering).toBe(true);
    expect(ctx.recovered).toBe(true);
    // Published after the recovery: once it is here, anything recovered (or repeated) is here too.
    await manager.publish('chat:recovery', { n: 6 });
    await until(() => received.includes(6), 'the publication after the recovery arrived');
    expect(received).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('reports recovered: false when the epoch no longer matches', async () => {
    const alice = await connected('alice');
    const sub = await subscribed(alice, 'chat:epoch');
    await manager.publish('chat:epoch', { n: 1 });
    await once(sub, 'publication');
    const resubscribed = once<any>(sub, 'subscribed');
    alice.once('connecting', () => void manager.removeHistory('chat:epoch'));
    await manager.disconnect('alice', { code: 3011 });
    const ctx = await resubscribed;
    expect(ctx.wasRecovering).toBe(true);
    expect(ctx.recovered).toBe(false);
  });

  it('calls rpc handlers and answers 104 for unknown methods', async () => {
    const alice = await connected('alice');
    expect((await alice.rpc('echo', { a: 1 })).data).toEqual({ a: 1 });
    await expect(alice.rpc('nope', {})).rejects.toMatchObject({ code: 104 });
  });

  it('refuses unknown namespaces with 102', async () => {
    const alice = await connected('alice');
    const sub = alice.newSubscription('nowhere:x');
    const failed = once<any>(sub, 'unsubscribed');
    sub.subscribe();
    expect((await failed).code).toBe(102);
  });

  it('fetches a new token through getToken when the first one has expired', async () => {
    const expired = await connectionToken('carol', {}, -10);
    let calls = 0;
    const client = sdkClient(server.wsUrl, {
      token: expired,
      getToken: async () => {
        calls++;
        return connectionToken('carol');
      },
    });
    clients.push(client);
    const ready = once<any>(client, 'connected');
    client.connect();
    await ready;
    expect(calls).toBe(1);
  });

  it('refuses a token signed with another secret with 3500 and no reconnect', async () => {
    const forged = await connectionToken('mallory', {}, 3600, 'not-the-secret');
    const client = sdkClient(server.wsUrl, { token: forged });
    clients.push(client);
    const gone = once<any>(client, 'disconnected');
    client.connect();
    expect((await gone).code).toBe(3500);
  });
});

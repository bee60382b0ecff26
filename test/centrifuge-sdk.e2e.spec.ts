import { Injectable } from '@nestjs/common';
import type { Centrifuge } from 'centrifuge';
import { OnRpc, StreamingHandlers, StreamingManager, StreamingModule, type StreamingModuleOptions } from '../lib/index.js';
import { StreamingTestServer } from '../lib/testing/index.js';
import { once, sdkClient } from './support/centrifuge-client.js';
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

/** The SDK's own features (recovery, presence, join/leave, getToken) through the test kit's clients, and the bare SDK where the kit has no say. */
describe('official centrifuge SDK against the server', () => {
  let server: StreamingTestServer;
  let manager: StreamingManager;
  const clients: Centrifuge[] = [];

  beforeAll(async () => {
    server = await StreamingTestServer.start({ imports: [StreamingModule.forRoot(options)], providers: [EchoHandlers] }, { logger: process.env.TEST_LOGS ? undefined : false });
    manager = server.get(StreamingManager);
  });

  afterEach(() => {
    for (const c of clients.splice(0)) c.disconnect();
  });

  afterAll(async () => {
    await server.close();
  });

  it('connects with a token and reports the user in publications', async () => {
    const alice = await server.connect('alice', { info: { name: 'Alice' } });
    await alice.subscribe('chat:general');
    await alice.publish('chat:general', { text: 'hi' });
    const pub = await alice.nextPublication('chat:general');
    expect(pub.data).toEqual({ text: 'hi' });
    expect(pub.info).toMatchObject({ user: 'alice', connInfo: { name: 'Alice' } });
    expect(pub.offset).toBeGreaterThan(0);
  });

  it('connects anonymously when allowed and may subscribe only where anonymous access is on', async () => {
    const anon = await server.connect();
    await anon.subscribe('public:news');
    await anon.expectError(103, anon.subscribe('chat:general'));
  });

  it('delivers publications to every subscriber, from clients and from StreamingManager', async () => {
    const alice = await server.connect('alice');
    const bob = await server.connect('bob');
    await alice.subscribe('chat:room1');
    await bob.subscribe('chat:room1');
    await alice.publish('chat:room1', { n: 1 });
    await manager.publish('chat:room1', { n: 2 });
    for (const client of [bob, alice]) {
      expect((await client.nextPublication()).data).toEqual({ n: 1 });
      expect((await client.nextPublication()).data).toEqual({ n: 2 });
    }
  });

  it('answers presence and presence stats', async () => {
    const alice = await server.connect('alice');
    const bob = await server.connect('bob');
    const subA = await alice.subscribe('chat:presence');
    await bob.subscribe('chat:presence');
    const presence = await subA.presence();
    expect(Object.values(presence.clients).map((c: any) => c.user).sort()).toEqual(['alice', 'bob']);
    expect(await subA.presenceStats()).toEqual({ numClients: 2, numUsers: 2 });
  });

  it('pushes join and leave', async () => {
    const alice = await server.connect('alice');
    const bob = await server.connect('bob');
    const subA = await alice.subscribe('chat:joins');
    const joined = new Promise<any>((resolve) => subA.on('join', (ctx) => ctx.info.user === 'bob' && resolve(ctx)));
    await bob.subscribe('chat:joins');
    expect((await joined).info.user).toBe('bob');
    const left = once<any>(subA, 'leave');
    bob.unsubscribe('chat:joins');
    expect((await left).info.user).toBe('bob');
  });

  it('returns history with limit, since and reverse', async () => {
    const alice = await server.connect('alice');
    const sub = await alice.subscribe('chat:history');
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
    const alice = await server.connect('alice');
    const sub = await alice.subscribe('chat:recovery');
    await manager.publish('chat:recovery', { n: 0 });
    expect((await alice.nextPublication()).data).toEqual({ n: 0 });

    const resubscribed = once<any>(sub, 'subscribed');
    alice.sdk.once('connecting', () => {
      // The SDK waits at least minReconnectDelay before reconnecting: these land while it is away.
      for (let n = 1; n <= 5; n++) void manager.publish('chat:recovery', { n });
    });
    await manager.disconnect('alice', { code: 3011, reason: 'force reconnect' });
    const ctx = await resubscribed;
    expect(ctx.wasRecovering).toBe(true);
    expect(ctx.recovered).toBe(true);
    await manager.publish('chat:recovery', { n: 6 });
    // In order, each once: a duplicate or a gap would show before 6.
    for (let n = 1; n <= 6; n++) expect((await alice.nextPublication()).data).toEqual({ n });
  });

  it('reports recovered: false when the epoch no longer matches', async () => {
    const alice = await server.connect('alice');
    const sub = await alice.subscribe('chat:epoch');
    await manager.publish('chat:epoch', { n: 1 });
    await alice.nextPublication();
    const resubscribed = once<any>(sub, 'subscribed');
    alice.sdk.once('connecting', () => void manager.removeHistory('chat:epoch'));
    await manager.disconnect('alice', { code: 3011 });
    const ctx = await resubscribed;
    expect(ctx.wasRecovering).toBe(true);
    expect(ctx.recovered).toBe(false);
  });

  it('calls rpc handlers and answers 104 for unknown methods', async () => {
    const alice = await server.connect('alice');
    expect(await alice.rpc('echo', { a: 1 })).toEqual({ a: 1 });
    await alice.expectError(104, alice.rpc('nope', {}));
  });

  it('refuses unknown namespaces with 102', async () => {
    const alice = await server.connect('alice');
    await alice.expectError(102, alice.subscribe('nowhere:x'));
  });

  it('fetches a new token through getToken when the first one has expired', async () => {
    const expired = await connectionToken('carol', {}, -10);
    let calls = 0;
    const client = sdkClient(server.url, {
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
    const client = sdkClient(server.url, { token: forged });
    clients.push(client);
    const gone = once<any>(client, 'disconnected');
    client.connect();
    expect((await gone).code).toBe(3500);
  });
});

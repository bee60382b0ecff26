import type { Centrifuge } from 'centrifuge';
import { StreamingManager, type StreamingModuleOptions } from '../lib/index.js';
import { startApp, type TestApp } from './support/app.js';
import { connectedClient, once, sdkClient, subscribed } from './support/centrifuge-client.js';
import { connectionToken, TEST_SECRET } from './support/tokens.js';
import { until } from './support/wait.js';

const options: StreamingModuleOptions = {
  nodeName: 'test-node',
  auth: { jwt: { secret: TEST_SECRET } },
  namespaces: {
    log: { historySize: 10, historyTtl: 600 },
    live: { presence: true },
  },
};

/** The server-side API, each call observed through real SDK clients. */
describe('StreamingManager', () => {
  let server: TestApp;
  let manager: StreamingManager;
  const clients: Centrifuge[] = [];

  async function connect(user: string): Promise<Centrifuge> {
    const c = sdkClient(server.wsUrl, { token: await connectionToken(user) });
    clients.push(c);
    return connectedClient(c);
  }

  beforeAll(async () => {
    server = await startApp(options);
    manager = server.app.get(StreamingManager);
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) c.disconnect();
    // Counts in the next test start from an empty node.
    await until(() => manager.stats().numClients === 0, 'every client of the test is gone');
  });

  afterAll(async () => {
    await server.close();
  });

  it('broadcasts to several channels and returns each position, none where history is off', async () => {
    const alice = await connect('alice');
    const [a, b] = [await subscribed(alice, 'log:a'), await subscribed(alice, 'live:b')];
    const gotA = once<any>(a, 'publication');
    const gotB = once<any>(b, 'publication');
    await manager.publish('log:a', { first: true });
    const positions = await manager.broadcast(['log:a', 'live:b'], { all: 1 }, { tags: { kind: 'notice' } });
    expect(positions).toEqual([{ offset: 2, epoch: expect.any(String) }, undefined]);
    expect((await gotA).data).toEqual({ first: true });
    expect(await once<any>(a, 'publication')).toMatchObject({ data: { all: 1 }, offset: 2, tags: { kind: 'notice' } });
    expect(await gotB).toMatchObject({ data: { all: 1 }, tags: { kind: 'notice' } });
  });

  it('reads history: all, since a position, newest first, position only; refuses a channel without history with 108', async () => {
    for (let n = 1; n <= 4; n++) await manager.publish('log:h', { n }, n === 2 ? { skipHistory: true } : {});
    const all = await manager.history('log:h', { limit: -1 });
    expect(all.publications.map((p) => p.data)).toEqual([{ n: 1 }, { n: 3 }, { n: 4 }]);
    expect(all.offset).toBe(3);
    const since = await manager.history('log:h', { since: { offset: 1, epoch: all.epoch }, limit: 10 });
    expect(since.publications.map((p) => p.data)).toEqual([{ n: 3 }, { n: 4 }]);
    const newest = await manager.history('log:h', { limit: 1, reverse: true });
    expect(newest.publications.map((p) => p.data)).toEqual([{ n: 4 }]);
    expect(await manager.history('log:h')).toEqual({ publications: [], offset: 3, epoch: all.epoch });
    await expect(manager.history('live:x')).rejects.toMatchObject({ code: 108 });

    await manager.removeHistory('log:h');
    const fresh = await manager.history('log:h', { limit: -1 });
    expect(fresh).toMatchObject({ publications: [], offset: 0 });
    expect(fresh.epoch).not.toBe(all.epoch);
  });

  it('answers presence and presence stats by clients and users; refuses a namespace without presence with 108', async () => {
    const [a1, a2, bob] = [await connect('alice'), await connect('alice'), await connect('bob')];
    for (const c of [a1, a2, bob]) await subscribed(c, 'live:p');
    expect(await manager.presenceStats('live:p')).toEqual({ numClients: 3, numUsers: 2 });
    expect(Object.values(await manager.presence('live:p')).map((info) => info.user).sort()).toEqual(['alice', 'alice', 'bob']);
    await expect(manager.presenceStats('log:p')).rejects.toMatchObject({ code: 108 });
    await expect(manager.presence('log:p')).rejects.toMatchObject({ code: 108 });
  });

  it('unsubscribes a user: the client gets 2000, the server stops delivering, other users stay', async () => {
    const [alice, bob] = [await connect('alice'), await connect('bob')];
    const subA = await subscribed(alice, 'live:u');
    const subB = await subscribed(bob, 'live:u');
    const gone = once<any>(subA, 'unsubscribed');
    await manager.unsubscribe('alice', 'live:u');
    expect((await gone).code).toBe(2000);
    expect(Object.values(await manager.presence('live:u')).map((info) => info.user)).toEqual(['bob']);
    expect(manager.stats().numSubscriptions).toBe(1);
    const toBob = once<any>(subB, 'publication');
    await manager.publish('live:u', { after: true });
    expect((await toBob).data).toEqual({ after: true });
  });

  it('unsubscribes and disconnects only the connection named by client', async () => {
    const first = sdkClient(server.wsUrl, { token: await connectionToken('carol') });
    clients.push(first);
    const ready = once<any>(first, 'connected');
    first.connect();
    const { client: firstId } = await ready;
    const second = await connect('carol');
    const [sub1, sub2] = [await subscribed(first, 'live:c'), await subscribed(second, 'live:c')];
    const gone = once<any>(sub1, 'unsubscribed');
    await manager.unsubscribe('carol', 'live:c', firstId);
    expect((await gone).code).toBe(2000);
    expect(sub2.state).toBe('subscribed');
    expect(await manager.presenceStats('live:c')).toEqual({ numClients: 1, numUsers: 1 });

    const closed = once<any>(first, 'disconnected');
    await manager.disconnect('carol', { client: firstId, code: 3503, reason: 'one of two' });
    expect(await closed).toMatchObject({ code: 3503, reason: 'one of two' });
    expect(second.state).toBe('connected');
  });

  it('counts clients, users, channels and subscriptions of this node', async () => {
    const [a1, a2, bob] = [await connect('alice'), await connect('alice'), await connect('bob')];
    await subscribed(a1, 'live:s1');
    await subscribed(a2, 'live:s1');
    await subscribed(bob, 'live:s2');
    const stats = manager.stats();
    expect(stats).toEqual({
      node: expect.any(String),
      name: 'test-node',
      numClients: 3,
      numUsers: 2,
      numChannels: 2,
      numSubscriptions: 3,
      // Nothing queued or dropped: every client reads.
      queuedBytes: 0,
      droppedMessages: 0,
      uptimeSeconds: expect.any(Number),
    });
    expect(stats.uptimeSeconds).toBeGreaterThanOrEqual(0);
    const left = once(a1, 'disconnected');
    a1.disconnect();
    await left;
    await until(() => manager.stats().numClients === 2, 'the server saw the client go');
    expect(manager.stats()).toMatchObject({ numClients: 2, numUsers: 2, numChannels: 2, numSubscriptions: 2 });
  });
});

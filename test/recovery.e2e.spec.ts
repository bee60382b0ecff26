import type { Backend } from '../lib/backends/backend.interface.js';
import { StreamingManager } from '../lib/index.js';
import { startApp, type TestApp } from './support/app.js';
import { RawClient } from './support/raw-client.js';
import { storesOf } from './support/stores.js';
import { gate, type Gate } from './support/store-gate.js';
import { connectionToken, TEST_SECRET } from './support/tokens.js';
import { until } from './support/wait.js';

/**
 * Recovery and subscribe races over a bare socket, so every publication the server sends is seen
 * (the SDK would hide a duplicate or a gap). Publications are made at exact points of a subscribe
 * by holding the real store's answer (`store-gate.ts`) until the test has published.
 */
describe('recovery and publications during a subscribe', () => {
  let server: TestApp;
  let manager: StreamingManager;
  let stores: Backend;
  let token: string;
  const sockets: RawClient[] = [];
  let held: Gate | undefined;

  async function client(): Promise<RawClient> {
    const c = await RawClient.connected(server.wsUrl, token);
    sockets.push(c);
    return c;
  }

  /** The data of publications pushed to `c` in `channel`, in arrival order. */
  const pushed = (c: RawClient, channel: string) => c.messages.filter((m) => m.push?.channel === channel && m.push.pub).map((m) => m.push.pub.data.n);

  const recovered = (subscribe: { publications?: Array<{ data: { n: number } }> }) => (subscribe.publications ?? []).map((p) => p.data.n);

  /** Publishes `n` for each of `ns` and returns the stream position after the last one. */
  async function publish(channel: string, ...ns: number[]) {
    let position;
    for (const n of ns) position = await manager.publish(channel, { n });
    return position!;
  }

  /** Publishes a marker and waits until `c` has it: everything published before has arrived too. */
  async function settle(c: RawClient, channel: string, n: number): Promise<void> {
    await manager.publish(channel, { n });
    await c.waitFor((m) => m.push?.channel === channel && m.push.pub?.data.n === n);
  }

  beforeAll(async () => {
    server = await startApp({
      auth: { jwt: { secret: TEST_SECRET } },
      namespaces: {
        feed: { historySize: 100, historyTtl: 600, forceRecovery: true },
        short: { historySize: 2, historyTtl: 600, forceRecovery: true },
        brief: { historySize: 10, historyTtl: 1, forceRecovery: true },
        room: { presence: true },
        kept: { historySize: 10, historyTtl: 600 },
      },
    });
    manager = server.app.get(StreamingManager);
    stores = storesOf(server.app);
    token = await connectionToken('alice');
  });

  afterEach(() => {
    held?.release();
    held?.restore();
    held = undefined;
    for (const c of sockets.splice(0)) c.close();
  });

  afterAll(async () => {
    await server.close();
  });

  it('answers recovered: true with no publications when nothing was missed', async () => {
    const { offset, epoch } = await publish('feed:quiet', 1);
    const c = await client();
    c.command({ id: 2, subscribe: { channel: 'feed:quiet', recover: true, offset, epoch } });
    const { subscribe } = await c.reply(2);
    expect(subscribe).toMatchObject({ recoverable: true, was_recovering: true, recovered: true, offset, epoch });
    expect(subscribe.publications ?? []).toEqual([]);
  });

  it('answers recovered: false, with what history still has, when more was missed than it keeps', async () => {
    const { epoch } = await publish('short:gap', 1);
    const { offset } = await publish('short:gap', 2, 3, 4);
    const c = await client();
    c.command({ id: 2, subscribe: { channel: 'short:gap', recover: true, offset: 1, epoch } });
    const { subscribe } = await c.reply(2);
    expect(subscribe).toMatchObject({ was_recovering: true, recovered: false, offset, epoch });
  });

  it('answers recovered: false when the missed publications expired from history but the stream position did not', async () => {
    const { epoch } = await publish('brief:ttl', 1);
    const { offset } = await publish('brief:ttl', 2);
    await until(async () => (await manager.history('brief:ttl', { limit: -1 })).publications.length === 0, 'history expired', 5000);
    const c = await client();
    c.command({ id: 2, subscribe: { channel: 'brief:ttl', recover: true, offset: 1, epoch } });
    const { subscribe } = await c.reply(2);
    expect(subscribe).toMatchObject({ was_recovering: true, recovered: false, offset, epoch });
  });

  it('answers recovered: false and the stream top for an offset of another epoch', async () => {
    const { offset, epoch } = await publish('feed:epoch', 1, 2);
    const c = await client();
    c.command({ id: 2, subscribe: { channel: 'feed:epoch', recover: true, offset: 1, epoch: `${epoch}x` } });
    const { subscribe } = await c.reply(2);
    expect(subscribe).toMatchObject({ was_recovering: true, recovered: false, offset, epoch });
    expect(subscribe.publications ?? []).toEqual([]);
  });

  it('delivers, once and in order, publications made after history was read but before the reply', async () => {
    const { epoch } = await publish('feed:late', 1);
    await publish('feed:late', 2, 3);
    held = gate(stores.history, 'read', 'feed:late', 'after');
    const c = await client();
    c.command({ id: 2, subscribe: { channel: 'feed:late', recover: true, offset: 1, epoch } });
    await held.entered;
    await publish('feed:late', 4, 5);
    held.release();
    const { subscribe } = await c.reply(2);
    expect(subscribe).toMatchObject({ recovered: true, offset: 1 });
    await settle(c, 'feed:late', 6);
    // In the reply or pushed after it: the server may merge them, but each arrives exactly once.
    expect([...recovered(subscribe), ...pushed(c, 'feed:late')]).toEqual([2, 3, 4, 5, 6]);
  });

  it('does not repeat publications that history returned and that also arrived during the subscribe', async () => {
    const { epoch } = await publish('feed:twice', 1);
    held = gate(stores.history, 'read', 'feed:twice', 'before');
    const c = await client();
    c.command({ id: 2, subscribe: { channel: 'feed:twice', recover: true, offset: 1, epoch } });
    await held.entered;
    await publish('feed:twice', 2, 3);
    held.release();
    const { subscribe } = await c.reply(2);
    expect(subscribe).toMatchObject({ recovered: true, offset: 1 });
    await settle(c, 'feed:twice', 4);
    expect([...recovered(subscribe), ...pushed(c, 'feed:twice')]).toEqual([2, 3, 4]);
  });

  it('positions a subscribe to a channel with history only when the client or the namespace asks for it', async () => {
    await publish('kept:a', 1);
    const c = await client();
    c.command({ id: 2, subscribe: { channel: 'kept:a' } });
    c.command({ id: 3, subscribe: { channel: 'kept:b', positioned: true } });
    c.command({ id: 4, subscribe: { channel: 'kept:c', recoverable: true } });
    expect((await c.reply(2)).subscribe).toEqual({});
    const positioned = (await c.reply(3)).subscribe;
    expect(positioned).toMatchObject({ positioned: true, offset: 0 });
    expect(positioned.recoverable).toBeUndefined();
    expect((await c.reply(4)).subscribe).toMatchObject({ positioned: true, recoverable: true, offset: 0 });
  });

  it('delivers publications made while the position of a positioned subscribe is read, after its reply', async () => {
    await publish('feed:pos', 1);
    held = gate(stores.history, 'position', 'feed:pos', 'after');
    const c = await client();
    c.command({ id: 2, subscribe: { channel: 'feed:pos' } });
    await held.entered;
    await publish('feed:pos', 2);
    held.release();
    const { subscribe } = await c.reply(2);
    expect(subscribe).toMatchObject({ positioned: true, offset: 1 });
    await settle(c, 'feed:pos', 3);
    expect(pushed(c, 'feed:pos')).toEqual([2, 3]);
    // Nothing arrives before the reply: the SDK would drop a publication for a channel it is not subscribed to yet.
    const replyAt = c.messages.findIndex((m) => m.id === 2);
    expect(c.messages.findIndex((m) => m.push?.channel === 'feed:pos')).toBeGreaterThan(replyAt);
  });

  it('delivers a publication kept out of history (no offset) made during a positioned subscribe', async () => {
    held = gate(stores.history, 'position', 'feed:skip', 'after');
    const c = await client();
    c.command({ id: 2, subscribe: { channel: 'feed:skip' } });
    await held.entered;
    await manager.publish('feed:skip', { n: 1 }, { skipHistory: true });
    held.release();
    await c.reply(2);
    await settle(c, 'feed:skip', 2);
    expect(pushed(c, 'feed:skip')).toEqual([1, 2]);
  });

  it('delivers publications made while a subscribe without history is still being set up, after its reply', async () => {
    held = gate(stores.presence, 'add', 'room:busy', 'before');
    const c = await client();
    c.command({ id: 2, subscribe: { channel: 'room:busy' } });
    await held.entered;
    await publish('room:busy', 1, 2);
    held.release();
    await c.reply(2);
    await settle(c, 'room:busy', 3);
    expect(pushed(c, 'room:busy')).toEqual([1, 2, 3]);
    const replyAt = c.messages.findIndex((m) => m.id === 2);
    expect(c.messages.findIndex((m) => m.push?.channel === 'room:busy')).toBeGreaterThan(replyAt);
  });
});

import { Injectable } from '@nestjs/common';
import type { PublicationContext, Subscription } from 'centrifuge';
import { OnRpc, PresenceTracker, StreamingHandlers, StreamingManager, TypingTracker } from '../../lib/index.js';
import { startApp, type TestApp } from '../support/app.js';
import { backends } from '../support/redis.js';
import { connectedClient, sdkClient, subscribed, userClients } from '../support/centrifuge-client.js';
import { connectionToken, TEST_SECRET } from '../support/tokens.js';

/** Publications of one subscription, awaited by predicate (typing and presence events come in any number). */
class Feed {
  readonly items: PublicationContext[] = [];
  private waiters: Array<() => void> = [];

  constructor(sub: Subscription) {
    sub.on('publication', (ctx) => {
      this.items.push(ctx);
      for (const w of this.waiters.splice(0)) w();
    });
  }

  async next(match: (ctx: PublicationContext) => boolean, ms = 5000): Promise<PublicationContext> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.items.find(match);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching publication; got ${JSON.stringify(this.items.map((i) => [i.tags, i.data]))}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, left);
      });
    }
  }

  of(type: string): PublicationContext[] {
    return this.items.filter((i) => i.tags?.type === type);
  }
}

const typing = (user: string, value: boolean) => (ctx: PublicationContext) =>
  ctx.tags?.type === 'typing' && ctx.data.user === user && ctx.data.typing === value;
const status = (user: string, value: string) => (ctx: PublicationContext) =>
  ctx.tags?.type === 'presence' && ctx.data.user === user && ctx.data.status === value;

describe.each(backends('typing-presence'))('typing and per-user presence status over the SDK (%s backend)', (_name, backendOptions, cleanup) => {
  let server: TestApp;

  const users = userClients(() => server.wsUrl);
  const client = (user: string) => users.connect(user);

  beforeAll(async () => {
    server = await startApp({
      ...backendOptions,
      auth: { jwt: { secret: TEST_SECRET } },
      namespaces: { chat: { preset: 'chat' }, news: { presence: true } },
      typing: { throttle: 2, timeout: 0.5 },
      presenceStatus: { offlineGrace: 1 },
    });
  });
  afterEach(() => users.disconnectAll());
  afterAll(async () => {
    await server.close();
    await cleanup();
  });

  it('tells the other subscribers who is typing, never in history, and stops by itself', async () => {
    const [alice, bob] = await Promise.all([client('alice'), client('bob')]);
    await subscribed(alice, 'chat:typing');
    const feed = new Feed(await subscribed(bob, 'chat:typing'));
    expect(await alice.rpc('typing', { channel: 'chat:typing' })).toMatchObject({ data: {} });
    await feed.next(typing('alice', true));
    expect(server.app.get(TypingTracker).typing('chat:typing')).toEqual(['alice']);
    await feed.next(typing('alice', false));
    expect(server.app.get(TypingTracker).typing('chat:typing')).toEqual([]);
    const history = await server.app.get(StreamingManager).history('chat:typing', { limit: -1 });
    expect(history.publications).toEqual([]);
  });

  it('broadcasts ten typing calls in a row as one event, and typing: false at once', async () => {
    const [alice, bob] = await Promise.all([client('alice'), client('bob')]);
    await subscribed(alice, 'chat:throttle');
    const feed = new Feed(await subscribed(bob, 'chat:throttle'));
    for (let i = 0; i < 10; i++) await alice.rpc('typing', { channel: 'chat:throttle' });
    await alice.rpc('typing', { channel: 'chat:throttle', typing: false });
    await feed.next(typing('alice', false));
    expect(feed.of('typing').map((c) => c.data.typing)).toEqual([true, false]);
  });

  it('refuses typing where the client may not publish (103) and a malformed call (107)', async () => {
    const alice = await client('alice');
    await subscribed(alice, 'news:x');
    await expect(alice.rpc('typing', { channel: 'news:x' })).rejects.toMatchObject({ code: 103 });
    await expect(alice.rpc('typing', { channel: 'chat:notsubscribed' })).rejects.toMatchObject({ code: 103 });
    await expect(alice.rpc('typing', {})).rejects.toMatchObject({ code: 107 });
    await expect(alice.rpc('typing', { channel: 'chat:x', typing: 'yes' })).rejects.toMatchObject({ code: 107 });
  });

  it("sets a status that the user's channels hear, not kept in history, and answers presence.get", async () => {
    const [alice, bob] = await Promise.all([client('alice'), client('bob')]);
    await subscribed(alice, 'chat:status');
    const feed = new Feed(await subscribed(bob, 'chat:status'));
    const reply = await alice.rpc('presence.status', { status: 'away', text: 'lunch' });
    expect(reply.data).toMatchObject({ status: 'away', text: 'lunch', lastSeen: expect.any(Number) });
    const event = await feed.next(status('alice', 'away'));
    expect(event.data).toEqual({ user: 'alice', status: 'away', text: 'lunch', lastSeen: expect.any(Number) });
    expect((await server.app.get(StreamingManager).history('chat:status', { limit: -1 })).publications).toEqual([]);
    const { data } = await bob.rpc('presence.get', { users: ['alice', 'nobody'] });
    expect(data.statuses).toEqual({
      alice: { status: 'away', text: 'lunch', lastSeen: expect.any(Number) },
      nobody: { status: 'offline', text: '', lastSeen: 0 },
    });
    await expect(alice.rpc('presence.status', { status: 'offline' })).rejects.toMatchObject({ code: 107 });
    await expect(alice.rpc('presence.status', { status: 'away', text: 'x'.repeat(201) })).rejects.toMatchObject({ code: 107 });
    await expect(bob.rpc('presence.get', { users: 'alice' })).rejects.toMatchObject({ code: 107 });
  });

  it('counts a user with two tabs as one: online until the last tab closes, then offline after the grace', async () => {
    const [tab1, tab2, bob] = await Promise.all([client('carol'), client('carol'), client('bob')]);
    await subscribed(tab1, 'chat:tabs');
    await subscribed(tab2, 'chat:tabs');
    const feed = new Feed(await subscribed(bob, 'chat:tabs'));
    const tracker = server.app.get(PresenceTracker);
    expect(await tracker.online('chat:tabs')).toEqual(
      expect.arrayContaining([expect.objectContaining({ user: 'carol', clients: 2, status: 'online' }), expect.objectContaining({ user: 'bob', clients: 1 })]),
    );
    expect(await server.app.get(StreamingManager).presenceStats('chat:tabs')).toEqual({ numClients: 3, numUsers: 2 });

    tab1.disconnect();
    // The other tab still holds carol online: what comes next is her own change, with no offline before it.
    await tab2.rpc('presence.status', { status: 'busy' });
    await feed.next(status('carol', 'busy'));
    expect(feed.of('presence').map((c) => c.data.status)).toEqual(['busy']);

    tab2.disconnect();
    const offline = await feed.next(status('carol', 'offline'));
    expect(offline.data.lastSeen).toBeGreaterThan(0);
    expect((await tracker.status('carol')).status).toBe('offline');
  });

  it('keeps a chosen status across a reconnect within the grace', async () => {
    const first = await client('dave');
    await first.rpc('presence.status', { status: 'busy' });
    first.disconnect();
    await client('dave');
    expect((await server.app.get(PresenceTracker).status('dave')).status).toBe('busy');
  });
});

@StreamingHandlers()
@Injectable()
class OwnTyping {
  @OnRpc('typing')
  typing() {
    return { mine: true };
  }
}

describe('an app handler of a built-in rpc', () => {
  it('takes the place of the built-in one', async () => {
    const server = await startApp({ auth: { jwt: { secret: TEST_SECRET } } }, [OwnTyping]);
    const alice = sdkClient(server.wsUrl, { token: await connectionToken('alice') });
    try {
      await connectedClient(alice);
      expect((await alice.rpc('typing', { channel: 'x' })).data).toEqual({ mine: true });
    } finally {
      alice.disconnect();
      await server.close();
    }
  });
});

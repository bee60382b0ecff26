import { Injectable, UseGuards } from '@nestjs/common';
import type { Centrifuge } from 'centrifuge';
import {
  AllowAnonymous,
  ChannelGuard,
  ChannelName,
  ConnectedClient,
  OnPublish,
  OnRpc,
  OnSubscribe,
  Permission,
  Presets,
  RequirePermissions,
  RequireRoles,
  StreamingBody,
  StreamingHandlers,
  StreamingManager,
  type ClientInfo,
  type StreamingModuleOptions,
} from '../lib/index.js';
import { startApp, type TestApp } from './support/app.js';
import { connectedClient, once, refusedCode as refused, sdkClient, subscribed } from './support/centrifuge-client.js';
import { connectionToken, subscriptionToken, TEST_SECRET } from './support/tokens.js';

const { Subscribe, Publish, ReadOnly, Standard, All } = Permission;

const options: StreamingModuleOptions = {
  auth: { jwt: { secret: TEST_SECRET }, anonymous: true },
  namespaces: {
    chat: { preset: 'chat' },
    dm: { preset: 'chat', allowSubscribeForClient: false },
    lobby: { presence: true, joinLeave: true, forcePushJoinLeave: true },
    room: { maxSubscribers: 2 },
    vip: {},
    vault: { allowSubscribeForClient: false },
    news: { historySize: 10, historyTtl: 60 },
    personal: Presets.Personal,
    // A rule lets anybody read open:*, anonymous clients too, subscribed or not: only a `#` keeps them out.
    open: { presence: true, historySize: 10, historyTtl: 60 },
    board: { allowPublishForSubscriber: true },
    // Anyone may publish; only subscribers see presence.
    hall: { presence: true, allowPublishForClient: true, allowPresenceForSubscriber: true },
    // A preset named, one field overridden: anonymous read from Public, two publications kept.
    feed: { preset: 'public', historySize: 2 },
    // A preset spread, one field overridden: presence from Chat, one subscriber per channel.
    party: { ...Presets.Chat, maxSubscribers: 1 },
  },
  permissions: {
    rules: [
      { pattern: 'chat:*', permissions: Standard, allowAnonymous: Subscribe, users: { mallory: ReadOnly } },
      { pattern: 'chat:announcements', permissions: ReadOnly, roles: { staff: Publish } },
      // The exact rule grants news:today; the broader one still takes Publish and anonymous access away.
      { pattern: 'news:*', deny: Publish, requireAuth: true },
      { pattern: 'news:today', permissions: Standard, allowAnonymous: ReadOnly },
      // ReadOnly has no JoinLeave: subscribers here do not get join/leave pushes, moderators (All) do.
      { pattern: 'lobby:*', permissions: ReadOnly | Publish, roles: { mod: All } },
      { pattern: 'vip:*', permissions: ReadOnly, roles: { vip: Standard } },
      { pattern: 'open:*', permissions: ReadOnly, allowAnonymous: ReadOnly },
    ],
  },
};

/** Handlers behind ChannelGuard and its decorators. */
@StreamingHandlers()
@UseGuards(ChannelGuard)
@Injectable()
class GuardedHandlers {
  @OnRpc('whoami')
  whoami(@ConnectedClient() client: ClientInfo) {
    return { user: client.user };
  }

  @OnRpc('ping')
  @AllowAnonymous()
  ping() {
    return { pong: true };
  }

  @OnRpc('purge')
  @RequireRoles('admin', 'ops')
  purge() {
    return { purged: true };
  }

  /** Subscribing to vip:* takes Publish there, which only the vip role has. */
  @OnSubscribe('vip:*')
  @RequirePermissions(Permission.Publish)
  vip(@ChannelName() channel: string) {
    return { data: { welcome: channel } };
  }

  /** vault:* is token-only: the guard must count the subscription token as the engine does. */
  @OnSubscribe('vault:*')
  @RequirePermissions(Permission.Subscribe)
  vault() {
    return { data: { opened: true } };
  }

  /** The engine lets subscribers publish in board:*; the guard must see the same standing. */
  @OnPublish('board:*')
  @RequirePermissions(Permission.Publish)
  board(@StreamingBody() data: object) {
    return { data: { ...data, checked: true } };
  }

  /** Publishing in hall:* is open to all; this handler takes only clients in the room (who hold Presence). */
  @OnPublish('hall:*')
  @RequirePermissions(Permission.Presence)
  hall(data: object) {
    return { data: { ...data, member: true } };
  }

  @OnRpc('misused')
  @RequirePermissions(Permission.Publish)
  misused(@StreamingBody() data: unknown) {
    return data;
  }
}

/** Not guarded at class level: the guard on one method only. */
@StreamingHandlers()
@Injectable()
class ChatHandlers {
  @OnPublish('chat:*')
  chat(@StreamingBody() data: unknown) {
    return { data };
  }
}

/** A subscribe hook that takes its time, as one reading a database would: subscribers race past it. */
@StreamingHandlers()
@Injectable()
class SlowRoomHandlers {
  /** `user channel` of every subscription the hook saw. */
  readonly seen: string[] = [];

  @OnSubscribe('room:*')
  async slow(@ConnectedClient() client: ClientInfo, @ChannelName() channel: string) {
    this.seen.push(`${client.user} ${channel}`);
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
}

describe('permissions with the centrifuge SDK', () => {
  let server: TestApp;
  let manager: StreamingManager;
  const clients: Centrifuge[] = [];

  async function connect(user?: string, roles?: string[]): Promise<Centrifuge> {
    const token = user === undefined ? undefined : await connectionToken(user, roles ? { roles } : {});
    const c = sdkClient(server.wsUrl, token ? { token } : {});
    clients.push(c);
    return connectedClient(c);
  }

  beforeAll(async () => {
    server = await startApp(options, [GuardedHandlers, ChatHandlers, SlowRoomHandlers]);
    manager = server.app.get(StreamingManager);
  });

  afterEach(() => {
    for (const c of clients.splice(0)) c.disconnect();
  });

  afterAll(async () => {
    await server.close();
  });

  it('applies the most specific rule: publish in chat:*, read-only announcements except for staff', async () => {
    const alice = await connect('alice');
    const staff = await connect('sam', ['staff']);
    const general = await subscribed(alice, 'chat:general');
    const got = once<any>(general, 'publication');
    await general.publish({ text: 'hi' });
    expect((await got).data).toEqual({ text: 'hi' });

    const news = await subscribed(alice, 'chat:announcements');
    await expect(news.publish({ text: 'me too' })).rejects.toMatchObject({ code: 103 });
    // Reading stays allowed.
    expect((await news.history({ limit: 1 })).publications).toEqual([]);
    const staffNews = await subscribed(staff, 'chat:announcements');
    const announced = once<any>(news, 'publication');
    await staffNews.publish({ text: 'release today' });
    expect((await announced).data).toEqual({ text: 'release today' });
  });

  it('lets a per-user override replace the rule grants: mallory only reads chat:*', async () => {
    const mallory = await connect('mallory');
    const general = await subscribed(mallory, 'chat:general');
    await expect(general.publish({ text: 'spam' })).rejects.toMatchObject({ code: 103 });
    await expect(general.history({ limit: 1 })).resolves.toMatchObject({ publications: expect.any(Array) });
  });

  it('gives anonymous clients allowAnonymous only, and nothing where any matching rule requires auth', async () => {
    const anon = await connect();
    const general = await subscribed(anon, 'chat:general');
    await expect(general.publish({ text: 'anon' })).rejects.toMatchObject({ code: 103 });
    expect(await refused(anon, 'news:today')).toBe(103);
    await expect(anon.rpc('whoami', {})).rejects.toMatchObject({ code: 103 });
    expect((await anon.rpc('ping', {})).data).toEqual({ pong: true });
  });

  it("lets a broader rule's denial beat the most specific rule's grant, and leaves the server free to publish", async () => {
    const alice = await connect('alice');
    const news = await subscribed(alice, 'news:today');
    await expect(news.publish({ text: 'x' })).rejects.toMatchObject({ code: 103 });
    const got = once<any>(news, 'publication');
    await manager.publish('news:today', { headline: 'server news' });
    expect((await got).data).toEqual({ headline: 'server news' });
  });

  it('keeps dm:#alice,bob to alice and bob: others can neither subscribe, publish, nor read presence or history', async () => {
    const alice = await connect('alice');
    const bob = await connect('bob');
    const carol = await connect('carol');
    const aliceDm = await subscribed(alice, 'dm:#alice,bob');
    const bobDm = await subscribed(bob, 'dm:#alice,bob');
    const got = once<any>(bobDm, 'publication');
    await aliceDm.publish({ text: 'secret' });
    expect((await got).data).toEqual({ text: 'secret' });

    expect(await refused(carol, 'dm:#alice,bob')).toBe(103);
    await expect(carol.publish('dm:#alice,bob', { text: 'spam' })).rejects.toMatchObject({ code: 103 });
    await expect(carol.presence('dm:#alice,bob')).rejects.toMatchObject({ code: 103 });
    await expect(carol.history('dm:#alice,bob', { limit: 10 })).rejects.toMatchObject({ code: 103 });
    // Without a # the namespace admits nobody.
    expect(await refused(alice, 'dm:alice-bob')).toBe(103);
    expect((await aliceDm.history({ limit: 10 })).publications.map((p) => p.data)).toEqual([{ text: 'secret' }]);
  });

  it('keeps personal:#alice to alice without a token, and # channels closed where a rule opens the rest', async () => {
    const alice = await connect('alice');
    const bob = await connect('bob');
    const anon = await connect();
    const inbox = await subscribed(alice, 'personal:#alice');
    // Personal: only the server writes.
    await expect(inbox.publish({ text: 'note to self' })).rejects.toMatchObject({ code: 103 });
    const got = once<any>(inbox, 'publication');
    await manager.publish('personal:#alice', { note: 'for alice' });
    expect((await got).data).toEqual({ note: 'for alice' });
    expect(await refused(bob, 'personal:#alice')).toBe(103);

    await subscribed(alice, 'open:#alice');
    for (const other of [bob, anon]) {
      // The rule grants reading without subscribing...
      await expect(other.history('open:lobby', { limit: 1 })).resolves.toMatchObject({ publications: [] });
      await subscribed(other, 'open:lobby');
      // ...but not in a # channel of someone else.
      expect(await refused(other, 'open:#alice')).toBe(103);
      await expect(other.presence('open:#alice')).rejects.toMatchObject({ code: 103 });
      await expect(other.history('open:#alice', { limit: 1 })).rejects.toMatchObject({ code: 103 });
    }
  });

  it('applies presets with fields overridden, by name or spread', async () => {
    for (const n of [1, 2, 3]) await manager.publish('feed:x', { n });
    const anon = await connect();
    const feed = await subscribed(anon, 'feed:x');
    expect((await feed.history({ limit: 10 })).publications.map((p) => p.data)).toEqual([{ n: 2 }, { n: 3 }]);

    const alice = await connect('alice');
    const bob = await connect('bob');
    const party = await subscribed(alice, 'party:x');
    expect(Object.values((await party.presence()).clients).map((c) => c.user)).toEqual(['alice']);
    expect(await refused(bob, 'party:x')).toBe(106);
  });

  it('answers 106 over maxSubscribers, and admits again once someone leaves', async () => {
    const [a, b, c] = await Promise.all([connect('a'), connect('b'), connect('c')]);
    await subscribed(a, 'room:small');
    const second = await subscribed(b, 'room:small');
    expect(await refused(c, 'room:small')).toBe(106);
    // A full channel refuses before the subscribe handlers run.
    const seen = () => server.app.get(SlowRoomHandlers).seen.filter((entry) => entry.endsWith(' room:small'));
    expect(seen()).toEqual(['a room:small', 'b room:small']);
    const left = once(second, 'unsubscribed');
    second.unsubscribe();
    await left;
    await subscribed(c, 'room:small');
    expect(seen()).toEqual(['a room:small', 'b room:small', 'c room:small']);
  });

  it('never lets concurrent subscribers overshoot maxSubscribers, however long the subscribe hook takes', async () => {
    const racers = await Promise.all(['r1', 'r2', 'r3', 'r4', 'r5'].map((user) => connect(user)));
    const outcomes = await Promise.all(
      racers.map((c) => {
        const sub = c.newSubscription('room:race');
        const outcome = new Promise<number>((resolve) => {
          sub.once('subscribed', () => resolve(0));
          sub.once('unsubscribed', (ctx) => resolve(ctx.code));
        });
        sub.subscribe();
        return outcome;
      }),
    );
    expect(outcomes.sort()).toEqual([0, 0, 106, 106, 106]);
  });

  it('sends join/leave only to subscribers holding JoinLeave', async () => {
    const plain = await connect('plain');
    const mod = await connect('mo', ['mod']);
    const plainSub = await subscribed(plain, 'lobby:main');
    const modSub = await subscribed(mod, 'lobby:main');
    const plainJoins: unknown[] = [];
    plainSub.on('join', (ctx) => plainJoins.push(ctx));
    const joined = new Promise<void>((resolve) => modSub.on('join', (ctx) => ctx.info.user === 'newcomer' && resolve()));
    const newcomer = await connect('newcomer');
    await subscribed(newcomer, 'lobby:main');
    await joined;
    // The publication goes out after the join, on the same path: once it arrived, a join would have too.
    const marker = once(plainSub, 'publication');
    await manager.publish('lobby:main', { marker: true });
    await marker;
    expect(plainJoins).toEqual([]);
  });

  describe('ChannelGuard', () => {
    it('refuses anonymous clients unless @AllowAnonymous, with 103 and the connection kept', async () => {
      const anon = await connect();
      await expect(anon.rpc('whoami', {})).rejects.toMatchObject({ code: 103 });
      expect((await anon.rpc('ping', {})).data).toEqual({ pong: true });
      const alice = await connect('alice');
      expect((await alice.rpc('whoami', {})).data).toEqual({ user: 'alice' });
    });

    it('wants one of the @RequireRoles', async () => {
      const alice = await connect('alice', ['viewer']);
      await expect(alice.rpc('purge', {})).rejects.toMatchObject({ code: 103 });
      const ops = await connect('olga', ['ops']);
      expect((await ops.rpc('purge', {})).data).toEqual({ purged: true });
    });

    it('checks @RequirePermissions in the event channel', async () => {
      const alice = await connect('alice');
      expect(await refused(alice, 'vip:lounge')).toBe(103);
      // Still connected, and other commands work.
      expect((await alice.rpc('whoami', {})).data).toEqual({ user: 'alice' });
      const vip = await connect('vic', ['vip']);
      const sub = vip.newSubscription('vip:lounge');
      const ready = once<any>(sub, 'subscribed');
      sub.subscribe();
      expect((await ready).data).toEqual({ welcome: 'vip:lounge' });
    });

    it('counts a subscription token in @RequirePermissions(Subscribe), as the engine does', async () => {
      const alice = await connect('alice');
      expect(await refused(alice, 'vault:a')).toBe(103);
      const sub = await subscribed(alice, 'vault:a', { getToken: async (ctx) => subscriptionToken('alice', ctx.channel) });
      expect(sub.state).toBe('subscribed');
    });

    it('checks @RequirePermissions on publish with the standing the engine uses (subscribed)', async () => {
      const alice = await connect('alice');
      const board = await subscribed(alice, 'board:x');
      const got = once<any>(board, 'publication');
      await board.publish({ text: 'posted' });
      expect((await got).data).toEqual({ text: 'posted', checked: true });
      const bob = await connect('bob');
      await expect(bob.publish('board:x', { text: 'drive-by' })).rejects.toMatchObject({ code: 103 });
    });

    it('gives clients not subscribed to the channel no subscriber permissions', async () => {
      const alice = await connect('alice');
      const hall = await subscribed(alice, 'hall:x');
      const got = once<any>(hall, 'publication');
      await hall.publish({ text: 'inside' });
      expect((await got).data).toEqual({ text: 'inside', member: true });
      const bob = await connect('bob');
      await expect(bob.publish('hall:x', { text: 'outside' })).rejects.toMatchObject({ code: 103 });
    });

    it('fails @RequirePermissions without a channel as a server error, not as a permission', async () => {
      const alice = await connect('alice');
      await expect(alice.rpc('misused', {})).rejects.toMatchObject({ code: 100 });
      expect((await alice.rpc('whoami', {})).data).toEqual({ user: 'alice' });
    });
  });
});

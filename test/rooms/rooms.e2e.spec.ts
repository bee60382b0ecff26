import type { PublicationContext } from 'centrifuge';
import { RoomService, StreamingOptionsError, type StreamingModuleOptions } from '../../lib/index.js';
import { resolveOptions } from '../../lib/options/resolve-options.js';
import { startApp, type TestApp } from '../support/app.js';
import { backends } from '../support/redis.js';
import { collect, once, refusedCode, subscribed, userClients } from '../support/centrifuge-client.js';
import { TEST_SECRET } from '../support/tokens.js';

describe.each(backends('rooms'))('RoomService over real sockets (%s backend)', (_name, backendOptions, cleanup) => {
  let server: TestApp;
  let rooms: RoomService;
  let n = 0;
  /** A channel of its own for each test. */
  const fresh = () => `room:r${++n}`;

  const users = userClients(() => server.wsUrl);
  const client = (user: string) => users.connect(user);

  beforeAll(async () => {
    server = await startApp({
      ...backendOptions,
      auth: { jwt: { secret: TEST_SECRET } },
      namespaces: { room: { preset: 'chat' }, dm: { preset: 'chat' }, gated: { preset: 'chat' } },
      rooms: { roles: { guest: [] } },
      // The app's own step runs first: nobody gets into gated:closed, member or not.
      channelAccess: { allows: async ({ channel }) => channel !== 'gated:closed' },
    });
    rooms = server.app.get(RoomService);
  });
  afterEach(() => users.disconnectAll());
  afterAll(async () => {
    await server.close();
    await cleanup();
  });

  it('keeps a private room to its members: 103 before, subscribed after being added', async () => {
    const channel = fresh();
    await rooms.create({ channel, private: true, owner: 'olga' });
    const bob = await client('bob');
    expect(await refusedCode(bob, channel)).toBe(103);
    await rooms.addMember(channel, 'bob', 'member', 'olga');
    const sub = await subscribed(bob, channel);
    await expect(sub.presence()).resolves.toBeDefined();
    expect(await rooms.isMember(channel, 'bob')).toBe(true);
  });

  it('tells the room of membership changes with type member publications', async () => {
    const channel = fresh();
    await rooms.create({ channel, owner: 'olga' });
    const olga = await client('olga');
    const sub = await subscribed(olga, channel);
    const got = collect<PublicationContext>(sub, 'publication', 3);
    await rooms.addMember(channel, 'bob', 'member', 'olga');
    await rooms.setRole(channel, 'bob', 'moderator', 'olga');
    await rooms.removeMember(channel, 'bob', 'olga');
    const events = await got;
    expect(events.map((e) => e.tags)).toEqual([{ type: 'member' }, { type: 'member' }, { type: 'member' }]);
    expect(events.map((e) => e.data)).toEqual([
      { action: 'added', user: 'bob', role: 'member', by: 'olga' },
      { action: 'updated', user: 'bob', role: 'moderator', by: 'olga' },
      { action: 'removed', user: 'bob', role: 'moderator', by: 'olga' },
    ]);
  });

  it('unsubscribes a removed member (2000), who cannot come back to a private room', async () => {
    const channel = fresh();
    await rooms.create({ channel, private: true, owner: 'olga', members: [{ user: 'bob' }] });
    const bob = await client('bob');
    const sub = await subscribed(bob, channel);
    const unsubscribed = once<{ code: number }>(sub, 'unsubscribed');
    await rooms.removeMember(channel, 'bob');
    expect((await unsubscribed).code).toBe(2000);
    bob.removeSubscription(sub);
    expect(await refusedCode(bob, channel)).toBe(103);
  });

  it('lets only roles that may publish do so, in public rooms too', async () => {
    const channel = fresh();
    await rooms.create({ channel, owner: 'olga', members: [{ user: 'gus', role: 'guest' }] });
    const [olga, gus, eve] = await Promise.all([client('olga'), client('gus'), client('eve')]);
    const subs = await Promise.all([subscribed(olga, channel), subscribed(gus, channel), subscribed(eve, channel)]);
    await subs[0]!.publish({ text: 'owner speaks' });
    await expect(subs[1]!.publish({ text: 'guest' })).rejects.toMatchObject({ code: 103 });
    await expect(subs[2]!.publish({ text: 'stranger' })).rejects.toMatchObject({ code: 103 });
    expect(await rooms.can(channel, 'gus', 'publish')).toBe(false);
    expect(await rooms.can(channel, 'olga', 'delete')).toBe(true);
  });

  it("runs the app's channelAccess first: a member is refused where it refuses", async () => {
    await rooms.create({ channel: 'gated:closed', owner: 'olga' });
    const olga = await client('olga');
    expect(await refusedCode(olga, 'gated:closed')).toBe(103);
  });

  it('pages members in name order and lists a user’s rooms', async () => {
    const channel = fresh();
    await rooms.create({ channel, owner: 'zed', members: ['amy', 'ben', 'cat', 'dan'].map((user) => ({ user })) });
    const first = await rooms.members(channel, { limit: 2 });
    expect(first.members.map((m) => m.user)).toEqual(['amy', 'ben']);
    const second = await rooms.members(channel, { limit: 2, cursor: first.cursor });
    expect(second.members.map((m) => m.user)).toEqual(['cat', 'dan']);
    const last = await rooms.members(channel, { limit: 2, cursor: second.cursor });
    expect(last).toEqual({ members: [expect.objectContaining({ user: 'zed', role: 'owner' })] });

    const mine = [fresh(), fresh()];
    for (const c of mine) await rooms.create({ channel: c, owner: 'amy' });
    expect((await rooms.roomsOf('amy')).map((r) => r.channel).sort()).toEqual([channel, ...mine].sort());
    await expect(rooms.addMember(mine[0]!, 'amy', 'nope')).rejects.toMatchObject({ code: 107 });
  });

  it('caps the rooms of one user (106)', async () => {
    const capped = await startApp({ auth: { jwt: { secret: TEST_SECRET } }, namespaces: { room: {} }, rooms: { maxRoomsPerUser: 2 } });
    try {
      const service = capped.app.get(RoomService);
      await service.create({ channel: 'room:a', owner: 'amy' });
      await service.create({ channel: 'room:b', owner: 'bob', members: [{ user: 'amy' }] });
      await expect(service.create({ channel: 'room:c', owner: 'amy' })).rejects.toMatchObject({ code: 106 });
      await expect(service.addMember('room:b', 'amy', 'moderator')).resolves.toMatchObject({ role: 'moderator' });
      await service.create({ channel: 'room:d', owner: 'cat' });
      await expect(service.addMember('room:d', 'amy')).rejects.toMatchObject({ code: 106 });
    } finally {
      await capped.close();
    }
  });

  it('makes one private direct room per pair of users, whoever opens it', async () => {
    const a = await rooms.direct('wendy', 'vic');
    const b = await rooms.direct('vic', 'wendy');
    expect(a).toEqual(b);
    expect(a).toMatchObject({ channel: 'dm:#vic,wendy', private: true });
    await expect(rooms.direct('vic', 'vic')).rejects.toMatchObject({ code: 107 });
    const vic = await client('vic');
    const sub = await subscribed(vic, a.channel);
    await sub.publish({ text: 'hi' });
  });

  it('updates and deletes rooms; deleting unsubscribes the members', async () => {
    const channel = fresh();
    await rooms.create({ channel, owner: 'olga', name: 'Old' });
    expect(await rooms.update(channel, { name: 'New', metadata: { topic: 'x' } })).toMatchObject({ name: 'New', metadata: { topic: 'x' }, channel });
    const olga = await client('olga');
    const sub = await subscribed(olga, channel);
    const unsubscribed = once<{ code: number }>(sub, 'unsubscribed');
    await rooms.delete(channel);
    expect((await unsubscribed).code).toBe(2000);
    expect(await rooms.get(channel)).toBeUndefined();
    await expect(rooms.update(channel, { name: 'x' })).rejects.toMatchObject({ code: 107 });
    await expect(rooms.create({ channel: 'nons:x', owner: 'olga' })).rejects.toMatchObject({ code: 102 });
  });

  it.each([
    [{ maxRoomsPerUser: -1 }, /rooms\.maxRoomsPerUser must be a number >= 0/],
    [{ roles: { guest: ['fly'] } }, /rooms\.roles\.guest must be a list of publish, invite/],
    [{ directNamespace: 'a:b' }, /rooms\.directNamespace must be a namespace name/],
    [{ max: 1 }, /rooms\.max is not a rooms option/],
  ])('refuses rooms %j at start-up', (value, message) => {
    const options = { auth: { anonymous: true }, rooms: value } as StreamingModuleOptions;
    expect(() => resolveOptions(options)).toThrow(StreamingOptionsError);
    expect(() => resolveOptions(options)).toThrow(message);
  });
});

import type { PublicationContext, Subscription } from 'centrifuge';
import { MessageStore, RoomService } from '../../lib/index.js';
import { startApp, type TestApp } from '../support/app.js';
import { backends } from '../support/redis.js';
import { collect, once, subscribed, userClients } from '../support/centrifuge-client.js';
import { TEST_SECRET } from '../support/tokens.js';

/** Message ids, edits, deletes, reactions, read positions and threads over the SDK. */
describe.each(backends('messages'))('MessageStore and the message.* rpcs (%s backend)', (_name, backendOptions, cleanup) => {
  let server: TestApp;
  let store: MessageStore;
  let n = 0;
  const fresh = () => `chat:m${++n}`;

  const users = userClients(() => server.wsUrl);
  const client = (user: string, roles?: string[]) => users.connect(user, roles ? { roles } : {});

  /** Publishes and returns the publication as another subscriber got it. */
  async function post(from: Subscription, to: Subscription, data: object): Promise<PublicationContext> {
    const got = once<PublicationContext>(to, 'publication');
    await from.publish(data);
    return got;
  }

  beforeAll(async () => {
    server = await startApp({
      ...backendOptions,
      auth: { jwt: { secret: TEST_SECRET } },
      namespaces: { chat: { preset: 'chat', messages: true }, plain: { preset: 'chat' } },
    });
    store = server.app.get(MessageStore);
  });
  afterEach(() => users.disconnectAll());
  afterAll(async () => {
    await server.close();
    await cleanup();
  });

  async function pair(channel: string) {
    const [alice, bob] = await Promise.all([client('alice'), client('bob')]);
    return { alice, bob, a: await subscribed(alice, channel), b: await subscribed(bob, channel) };
  }

  it('gives each message a server id, replies their parent, and checks both', async () => {
    const channel = fresh();
    const { alice, a, b } = await pair(channel);
    const first = await post(a, b, { text: 'hello' });
    expect(first.tags).toEqual({ type: 'message', id: expect.stringMatching(/^[0-9a-z]{9}[\w-]{12}$/) });
    const reply = await post(b, a, { text: 'hi', thread: first.tags!.id });
    expect(reply.tags).toMatchObject({ type: 'message', thread: first.tags!.id });
    expect(reply.tags!.id > first.tags!.id).toBe(true);
    await expect(a.publish({ text: 'x', thread: 'nope' })).rejects.toMatchObject({ code: 107 });
    await expect(a.publish({ text: 'x', attachments: [{ name: 'a.png', size: -1, mime: 'image/png', url: 'https://x/a.png' }] })).rejects.toMatchObject({ code: 107 });
    const withFile = await post(a, b, { text: 'file', attachments: [{ name: 'a.png', size: 10, mime: 'image/png', url: 'https://files.example/a.png' }] });
    expect((await store.get(channel, withFile.tags!.id!))!.data).toMatchObject({ attachments: [{ name: 'a.png' }] });
    expect(await store.get(channel, first.tags!.id!)).toMatchObject({ user: 'alice', data: { text: 'hello' }, offset: first.offset, reactions: {} });
    const { data } = await alice.rpc('message.thread', { channel, id: first.tags!.id });
    expect(data.messages.map((m: { data: unknown }) => m.data)).toEqual([{ text: 'hi', thread: first.tags!.id }]);
  });

  it('lets the author edit and delete, refuses others (103), and lets moderators do it', async () => {
    const channel = fresh();
    const { alice, bob, a, b } = await pair(channel);
    const msg = await post(a, b, { text: 'tpyo', mood: 'ok' });
    const id = msg.tags!.id!;
    const edits = collect<PublicationContext>(b, 'publication', 1);
    await alice.rpc('message.edit', { channel, id, data: { text: 'typo' } });
    const [edit] = await edits;
    expect(edit!.tags).toEqual({ type: 'edit', id });
    expect(edit!.data).toEqual({ id, user: 'alice', data: { text: 'typo', mood: 'ok' }, editedAt: expect.any(Number) });
    await expect(bob.rpc('message.edit', { channel, id, data: { text: 'mine now' } })).rejects.toMatchObject({ code: 103 });
    await expect(bob.rpc('message.delete', { channel, id })).rejects.toMatchObject({ code: 103 });

    const mod = await client('mod', ['moderator']);
    await subscribed(mod, channel);
    const changes = collect<PublicationContext>(b, 'publication', 2);
    await mod.rpc('message.edit', { channel, id, data: { text: 'moderated' } });
    await alice.rpc('message.delete', { channel, id });
    const [moderated, deleted] = await changes;
    expect(moderated!.data).toMatchObject({ user: 'mod', data: { text: 'moderated' } });
    expect(deleted!.tags).toEqual({ type: 'delete', id });
    expect(await store.get(channel, id)).toMatchObject({ deleted: true, data: null });
    await expect(alice.rpc('message.edit', { channel, id, data: {} })).rejects.toMatchObject({ code: 102 });
  });

  it('lets a room moderator change what others wrote', async () => {
    const channel = fresh();
    await server.app.get(RoomService).create({ channel, owner: 'alice', members: [{ user: 'bob', role: 'moderator' }] });
    const { alice, bob, a, b } = await pair(channel);
    const msg = await post(a, b, { text: 'spam' });
    await bob.rpc('message.delete', { channel, id: msg.tags!.id });
    await expect(alice.rpc('message.get', { channel, ids: [msg.tags!.id] })).resolves.toMatchObject({ data: { messages: [{ deleted: true }] } });
  });

  it('counts reactions and who made them', async () => {
    const channel = fresh();
    const { alice, bob, a, b } = await pair(channel);
    const id = (await post(a, b, { text: 'ship it' })).tags!.id!;
    const events = collect<PublicationContext>(a, 'publication', 3);
    expect((await alice.rpc('message.react', { channel, id, emoji: '👍' })).data).toEqual({ count: 1 });
    expect((await bob.rpc('message.react', { channel, id, emoji: '👍' })).data).toEqual({ count: 2 });
    expect((await bob.rpc('message.react', { channel, id, emoji: '👍', remove: true })).data).toEqual({ count: 1 });
    expect((await events).map((e) => [e.tags!.type, e.data.user, e.data.action, e.data.count])).toEqual([
      ['reaction', 'alice', 'add', 1],
      ['reaction', 'bob', 'add', 2],
      ['reaction', 'bob', 'remove', 1],
    ]);
    expect((await store.get(channel, id))!.reactions).toEqual({ '👍': ['alice'] });
    await expect(bob.rpc('message.react', { channel, id, emoji: 'two words' })).rejects.toMatchObject({ code: 107 });
  });

  it('keeps read positions and unread counts per user', async () => {
    const channel = fresh();
    const { bob, a, b } = await pair(channel);
    const first = await post(a, b, { text: 'one' });
    await post(a, b, { text: 'two' });
    await post(a, b, { text: 'three' });
    expect((await bob.rpc('message.unread', { channels: [channel] })).data).toEqual({ unread: { [channel]: 3 } });
    expect((await bob.rpc('message.read', { channel, offset: first.offset })).data).toEqual({ unread: 2 });
    // A position never moves back.
    expect((await bob.rpc('message.read', { channel, offset: 0 })).data).toEqual({ unread: 2 });
    expect(await store.unread('alice', [channel])).toEqual({ [channel]: 0 });
  });

  it('lets a client that was away recover the edits and deletions it missed', async () => {
    const channel = fresh();
    const { alice, a } = await pair(channel);
    const carol = await client('carol');
    const c = await subscribed(carol, channel);
    const id = (await post(a, c, { text: 'draft' })).tags!.id!;
    const gone = once(carol, 'disconnected');
    carol.disconnect();
    await gone;
    await alice.rpc('message.edit', { channel, id, data: { text: 'final' } });
    await alice.rpc('message.delete', { channel, id });
    const recovered = collect<PublicationContext>(c, 'publication', 2);
    carol.connect();
    const events = await recovered;
    expect(events.map((e) => e.tags)).toEqual([{ type: 'edit', id }, { type: 'delete', id }]);
  });

  it('answers 108 where the namespace has no messages, and 103 where the client may not read', async () => {
    const alice = await client('alice');
    await subscribed(alice, 'plain:x');
    await expect(alice.rpc('message.unread', { channels: ['plain:x'] })).rejects.toMatchObject({ code: 108 });
    await expect(alice.rpc('message.get', { channel: 'chat:never', ids: [] })).rejects.toMatchObject({ code: 103 });
    await expect(alice.rpc('message.edit', { channel: 'chat:x' })).rejects.toMatchObject({ code: 103 });
  });
});

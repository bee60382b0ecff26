import { StreamingTokens } from '@streaming/nest';
import { StreamingTestServer, type StreamingTestClient } from '@streaming/nest/testing';
import { createSampleApp } from '../sample/app.js';
import { loadConfig } from '../sample/config.js';
import { tokenFromArgs } from '../sample/tokens.js';

const config = loadConfig({});
const logger = process.env.TEST_LOGS ? undefined : false;

describe('sample chat app', () => {
  let server: StreamingTestServer;
  let tokens: StreamingTokens;

  /** Connects with a token from the sample's token script (anonymous without args). */
  async function connected(...tokenArgs: string[]): Promise<StreamingTestClient> {
    const token = tokenArgs.length ? await tokenFromArgs(tokenArgs, tokens) : undefined;
    return server.connect(undefined, { token });
  }

  beforeAll(async () => {
    server = await StreamingTestServer.listen(await createSampleApp(config, { logger }));
    tokens = server.tokens;
  });

  afterAll(async () => {
    await server.close();
  });

  it('answers the echo rpc', async () => {
    const alice = await connected('alice');
    expect(await alice.rpc('echo', { hello: 'world' })).toEqual({ hello: 'world' });
  });

  it('stamps valid chat messages with user and time, and rejects invalid ones with 107', async () => {
    const alice = await connected('alice');
    const bob = await connected('bob');
    await alice.subscribe('chat:general');
    const sub = await bob.subscribe('chat:general');
    const before = Date.now();
    await bob.publish('chat:general', { text: 'hi alice', user: 'mallory' });
    expect((await alice.nextPublication('chat:general')).data).toEqual({ text: 'hi alice', user: 'bob', at: expect.any(Number) });
    expect((await sub.history({ limit: -1 })).publications.at(-1)?.data.at).toBeGreaterThanOrEqual(before);

    await bob.expectError(107, bob.publish('chat:general', { text: '' }));
    await bob.expectError(107, bob.publish('chat:general', { text: 'x'.repeat(2001) }));
    await bob.expectError(107, bob.publish('chat:general', 'just a string'));
  });

  it('answers the typing rpc in chat:* with a typing publication to the others, not in history', async () => {
    const alice = await connected('alice');
    const bob = await connected('bob');
    await alice.subscribe('chat:typing-contract');
    const sub = await bob.subscribe('chat:typing-contract');
    await alice.rpc('typing', { channel: 'chat:typing-contract' });
    const event = await bob.nextPublication('chat:typing-contract');
    expect(event.tags).toEqual({ type: 'typing' });
    expect(event.data).toEqual({ user: 'alice', typing: true });
    expect((await sub.history({ limit: -1 })).publications).toEqual([]);
  });

  it("answers presence.status with a presence publication in the user's chat channels, and counts users and clients apart", async () => {
    const alice = await connected('alice');
    const aliceTab = await connected('alice');
    const bob = await connected('bob');
    await alice.subscribe('chat:status-contract');
    await aliceTab.subscribe('chat:status-contract');
    const sub = await bob.subscribe('chat:status-contract');
    await alice.rpc('presence.status', { status: 'away' });
    const event = await bob.nextPublication('chat:status-contract');
    expect(event.tags).toEqual({ type: 'presence' });
    expect(event.data).toMatchObject({ user: 'alice', status: 'away' });
    expect(await sub.presenceStats()).toEqual({ numClients: 3, numUsers: 2 });
  });

  it('lets anonymous clients read public:* but not chat:*', async () => {
    const anon = await connected();
    await anon.subscribe('public:announcements');
    await anon.expectError(103, anon.subscribe('chat:general'));
  });

  it('accepts tokens from the token script, roles included: only admins announce', async () => {
    const admin = await connected('root', '--roles', 'admin,ops', '--ttl', '60');
    const reader = await connected();
    await reader.subscribe('public:announcements');
    expect(await admin.rpc('announce', { text: 'maintenance at noon' })).toEqual({ ok: true });
    expect((await reader.nextPublication()).data).toMatchObject({ text: 'maintenance at noon', user: 'root' });

    const alice = await connected('alice');
    await alice.expectError(103, alice.rpc('announce', { text: 'me too' }));
  });

  it('lets team:* subscribers in only with a subscription token for that channel and user', async () => {
    const alice = await connected('alice');
    const bob = await connected('bob');
    await alice.expectError(103, alice.subscribe('team:core'));

    const tokenFor = (user: string, channel: string) => () => tokenFromArgs([user, '--channel', channel], tokens);
    await alice.subscribe('team:core', { getToken: tokenFor('alice', 'team:core') });
    await bob.subscribe('team:core', { getToken: tokenFor('bob', 'team:core') });
    await alice.publish('team:core', { text: 'standup in 5' });
    expect((await bob.nextPublication('team:core')).data).toEqual({ text: 'standup in 5', user: 'alice', at: expect.any(Number) });

    // A token is bound to its channel and its user: either mismatch is an invalid token (3500), as in Centrifugo.
    for (const [channel, getToken] of [
      ['team:ops', tokenFor('carol', 'team:core')],
      ['team:core', tokenFor('alice', 'team:core')],
    ] as const) {
      const carol = await connected('carol');
      await carol.expectError(3500, carol.subscribe(channel, { getToken }));
    }
  });

  it('keeps admin:* to tokens with the admin role', async () => {
    const root = await connected('root', '--roles', 'admin');
    const alice = await connected('alice', '--roles', 'ops');
    const anon = await connected();
    await root.subscribe('admin:ops');
    await root.publish('admin:ops', { text: 'deploy at 5' });
    expect((await root.nextPublication('admin:ops')).data).toEqual({ text: 'deploy at 5' });
    for (const client of [alice, anon]) await client.expectError(103, client.subscribe('admin:ops'));
  });

  it('refuses channels outside its namespaces, even to logged-in users', async () => {
    const alice = await connected('alice');
    await alice.expectError(103, alice.subscribe('plain'));
    await alice.expectError(102, alice.subscribe('nowhere:room'));
  });

  it('carries direct messages in dm:#a,b to those two only, and tells the other one in personal:#user', async () => {
    const alice = await connected('alice');
    const bob = await connected('bob');
    const carol = await connected('carol');
    await bob.subscribe('personal:#bob');
    await alice.subscribe('dm:#alice,bob');
    await alice.publish('dm:#alice,bob', { text: 'psst' });
    expect((await bob.nextPublication('personal:#bob')).data).toEqual({ type: 'dm', from: 'alice', channel: 'dm:#alice,bob' });
    const bobDm = await bob.subscribe('dm:#alice,bob');
    expect((await bobDm.history({ limit: 10 })).publications.map((p) => p.data)).toEqual([
      { text: 'psst', user: 'alice', at: expect.any(Number) },
    ]);
    for (const channel of ['dm:#alice,bob', 'personal:#bob']) await carol.expectError(103, carol.subscribe(channel));
    await bob.expectError(103, bob.publish('personal:#bob', { type: 'dm', from: 'mallory' }));
  });

  it('refuses bad token script arguments', async () => {
    await expect(tokenFromArgs([], tokens)).rejects.toThrow(/usage/);
    await expect(tokenFromArgs(['alice', '--ttl', '-5'], tokens)).rejects.toThrow(/--ttl/);
    await expect(tokenFromArgs(['alice', '--channel', 'team:a', '--roles', 'admin'], tokens)).rejects.toThrow(/--roles/);
    await expect(tokenFromArgs(['alice', '--channel', ''], tokens)).rejects.toThrow(/--channel/);
  });

  it('prints subscription tokens that the server takes only for subscribing', async () => {
    const subToken = await tokenFromArgs(['alice', '--channel', 'team:core'], tokens);
    await expect(server.connect(undefined, { token: subToken })).rejects.toMatchObject({ code: 3500 });
  });

  it('serves the page, the SDK bundle and development tokens', async () => {
    const base = server.httpUrl;
    expect(await (await fetch(`${base}/`)).text()).toContain('<div id="messages">');
    const sdk = await fetch(`${base}/vendor/centrifuge.js`);
    expect(sdk.status).toBe(200);
    expect(await sdk.text()).toContain('globalThis.Centrifuge');
    const { token } = (await (await fetch(`${base}/dev/token?user=carol`)).json()) as { token: string };
    const carol = await server.connect(undefined, { token });
    expect(carol.id).toEqual(expect.any(String));
    expect(await carol.rpc('echo', 'hi')).toBe('hi');
    expect((await fetch(`${base}/dev/token`)).status).toBe(400);
    const sub = await fetch(`${base}/dev/sub-token?user=carol&channel=team:core`);
    expect(sub.status).toBe(200);
    expect((await fetch(`${base}/dev/sub-token?user=carol&channel=chat:general`)).status).toBe(400);
  });

  it('turns development tokens off once a real secret is set', async () => {
    expect(loadConfig({ STREAMING_SAMPLE_DEV_TOKENS: '0' })).toMatchObject({ devSecret: true, devTokens: false });
    const production = loadConfig({ STREAMING_JWT_SECRET: 'a-real-secret' });
    expect(production).toMatchObject({ devSecret: false, devTokens: false });
    const other = await StreamingTestServer.listen(await createSampleApp(production, { logger: false }));
    try {
      expect((await fetch(`${other.httpUrl}/dev/token?user=carol`)).status).toBe(404);
    } finally {
      await other.close();
    }
  });
});

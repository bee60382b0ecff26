import type { INestApplication } from '@nestjs/common';
import type { Centrifuge } from 'centrifuge';
import type { AddressInfo } from 'node:net';
import { createSampleApp } from '../sample/app.js';
import { loadConfig } from '../sample/config.js';
import { tokenFromArgs } from '../sample/tokens.js';
import { connectedClient, once, refusedCode, sdkClient, subscribed } from './support/centrifuge-client.js';

const config = loadConfig({});

describe('sample chat app', () => {
  let app: INestApplication;
  let base: string;
  let wsUrl: string;
  const clients: Centrifuge[] = [];

  /** Connects the SDK with a token from the sample's token script (anonymous without args). */
  async function connected(...tokenArgs: string[]): Promise<Centrifuge> {
    const token = tokenArgs.length ? await tokenFromArgs(tokenArgs, config.secret) : undefined;
    const client = sdkClient(wsUrl, token ? { token } : {});
    clients.push(client);
    return connectedClient(client);
  }

  beforeAll(async () => {
    app = await createSampleApp(config, { logger: process.env.TEST_LOGS ? undefined : false });
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    base = `http://127.0.0.1:${port}`;
    wsUrl = `ws://127.0.0.1:${port}/connection/websocket`;
  });

  afterEach(() => {
    for (const c of clients.splice(0)) c.disconnect();
  });

  afterAll(async () => {
    await app.close();
  });

  it('answers the echo rpc', async () => {
    const alice = await connected('alice');
    expect((await alice.rpc('echo', { hello: 'world' })).data).toEqual({ hello: 'world' });
  });

  it('stamps valid chat messages with user and time, and rejects invalid ones with 107', async () => {
    const alice = await connected('alice');
    const bob = await connected('bob');
    await subscribed(alice, 'chat:general');
    const sub = await subscribed(bob, 'chat:general');
    const got = once<any>(sub, 'publication');
    const before = Date.now();
    await sub.publish({ text: 'hi alice', user: 'mallory' });
    expect((await got).data).toEqual({ text: 'hi alice', user: 'bob', at: expect.any(Number) });
    expect((await sub.history({ limit: -1 })).publications.at(-1)?.data.at).toBeGreaterThanOrEqual(before);

    await expect(sub.publish({ text: '' })).rejects.toMatchObject({ code: 107 });
    await expect(sub.publish({ text: 'x'.repeat(2001) })).rejects.toMatchObject({ code: 107 });
    await expect(sub.publish('just a string')).rejects.toMatchObject({ code: 107 });
  });

  it('lets anonymous clients read public:* but not chat:*', async () => {
    const anon = await connected();
    await subscribed(anon, 'public:announcements');
    expect(await refusedCode(anon, 'chat:general')).toBe(103);
  });

  it('accepts tokens from the token script, roles included: only admins announce', async () => {
    const admin = await connected('root', '--roles', 'admin,ops', '--ttl', '60');
    const reader = await connected();
    const news = await subscribed(reader, 'public:announcements');
    const got = once<any>(news, 'publication');
    expect((await admin.rpc('announce', { text: 'maintenance at noon' })).data).toEqual({ ok: true });
    expect((await got).data).toMatchObject({ text: 'maintenance at noon', user: 'root' });

    const alice = await connected('alice');
    await expect(alice.rpc('announce', { text: 'me too' })).rejects.toMatchObject({ code: 103 });
  });

  it('lets team:* subscribers in only with a subscription token for that channel and user', async () => {
    const alice = await connected('alice');
    const bob = await connected('bob');
    expect(await refusedCode(alice, 'team:core')).toBe(103);

    const tokenFor = (user: string, channel: string) => () => tokenFromArgs([user, '--channel', channel], config.secret);
    const aliceTeam = await subscribed(alice, 'team:core', { getToken: tokenFor('alice', 'team:core') });
    const bobTeam = await subscribed(bob, 'team:core', { getToken: tokenFor('bob', 'team:core') });
    const got = once<any>(bobTeam, 'publication');
    await aliceTeam.publish({ text: 'standup in 5' });
    expect((await got).data).toEqual({ text: 'standup in 5', user: 'alice', at: expect.any(Number) });

    // A token is bound to its channel and its user: either mismatch is an invalid token (3500), as in Centrifugo.
    for (const [channel, getToken] of [
      ['team:ops', tokenFor('carol', 'team:core')],
      ['team:core', tokenFor('alice', 'team:core')],
    ] as const) {
      const carol = await connected('carol');
      const closed = once<any>(carol, 'disconnected');
      carol.newSubscription(channel, { getToken }).subscribe();
      expect((await closed).code).toBe(3500);
    }
  });

  it('keeps admin:* to tokens with the admin role', async () => {
    const root = await connected('root', '--roles', 'admin');
    const alice = await connected('alice', '--roles', 'ops');
    const anon = await connected();
    const ops = await subscribed(root, 'admin:ops');
    const got = once<any>(ops, 'publication');
    await ops.publish({ text: 'deploy at 5' });
    expect((await got).data).toEqual({ text: 'deploy at 5' });
    for (const client of [alice, anon]) expect(await refusedCode(client, 'admin:ops')).toBe(103);
  });

  it('carries direct messages in dm:#a,b to those two only, and tells the other one in personal:#user', async () => {
    const alice = await connected('alice');
    const bob = await connected('bob');
    const carol = await connected('carol');
    const inbox = await subscribed(bob, 'personal:#bob');
    const told = once<any>(inbox, 'publication');
    const dm = await subscribed(alice, 'dm:#alice,bob');
    await dm.publish({ text: 'psst' });
    expect((await told).data).toEqual({ type: 'dm', from: 'alice', channel: 'dm:#alice,bob' });
    const bobDm = await subscribed(bob, 'dm:#alice,bob');
    expect((await bobDm.history({ limit: 10 })).publications.map((p) => p.data)).toEqual([
      { text: 'psst', user: 'alice', at: expect.any(Number) },
    ]);
    for (const channel of ['dm:#alice,bob', 'personal:#bob']) expect(await refusedCode(carol, channel)).toBe(103);
    await expect(inbox.publish({ type: 'dm', from: 'mallory' })).rejects.toMatchObject({ code: 103 });
  });

  it('refuses bad token script arguments', async () => {
    await expect(tokenFromArgs([], config.secret)).rejects.toThrow(/usage/);
    await expect(tokenFromArgs(['alice', '--ttl', '-5'], config.secret)).rejects.toThrow(/--ttl/);
    await expect(tokenFromArgs(['alice', '--channel', 'team:a', '--roles', 'admin'], config.secret)).rejects.toThrow(/--roles/);
    await expect(tokenFromArgs(['alice', '--channel', ''], config.secret)).rejects.toThrow(/--channel/);
  });

  it('prints subscription tokens that the server takes only for subscribing', async () => {
    const subToken = await tokenFromArgs(['alice', '--channel', 'team:core'], config.secret);
    const client = sdkClient(wsUrl, { token: subToken });
    clients.push(client);
    const closed = once<any>(client, 'disconnected');
    client.connect();
    expect(await closed).toMatchObject({ code: 3500 });
  });

  it('serves the page, the SDK bundle and development tokens', async () => {
    expect(await (await fetch(`${base}/`)).text()).toContain('<div id="messages">');
    const sdk = await fetch(`${base}/vendor/centrifuge.js`);
    expect(sdk.status).toBe(200);
    expect(await sdk.text()).toContain('globalThis.Centrifuge');
    const { token } = (await (await fetch(`${base}/dev/token?user=carol`)).json()) as { token: string };
    const carol = sdkClient(wsUrl, { token });
    clients.push(carol);
    const ready = once<any>(carol, 'connected');
    carol.connect();
    expect((await ready).client).toEqual(expect.any(String));
    expect((await fetch(`${base}/dev/token`)).status).toBe(400);
    const sub = await fetch(`${base}/dev/sub-token?user=carol&channel=team:core`);
    expect(sub.status).toBe(200);
    expect((await fetch(`${base}/dev/sub-token?user=carol&channel=chat:general`)).status).toBe(400);
  });

  it('turns development tokens off once a real secret is set', async () => {
    expect(loadConfig({ STREAMING_SAMPLE_DEV_TOKENS: '0' })).toMatchObject({ devSecret: true, devTokens: false });
    const production = loadConfig({ STREAMING_JWT_SECRET: 'a-real-secret' });
    expect(production).toMatchObject({ devSecret: false, devTokens: false });
    const other = await createSampleApp(production, { logger: false });
    await other.listen(0, '127.0.0.1');
    try {
      const { port } = other.getHttpServer().address() as AddressInfo;
      expect((await fetch(`http://127.0.0.1:${port}/dev/token?user=carol`)).status).toBe(404);
    } finally {
      await other.close();
    }
  });
});

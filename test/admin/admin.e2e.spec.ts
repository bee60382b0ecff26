import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { Centrifuge } from 'centrifuge';
import { StreamingManager, StreamingOptionsError, type StreamingModuleOptions } from '../../lib/index.js';
import { resolveOptions } from '../../lib/options/resolve-options.js';
import { startApp, type TestApp } from '../support/app.js';
import { collect, connectedClient, sdkClient, subscribed } from '../support/centrifuge-client.js';
import { namedEvents } from '../support/message-stream.js';
import { connectionToken, TEST_SECRET } from '../support/tokens.js';
import { until } from '../support/wait.js';

const PASSWORD = 'correct horse battery staple';

/** The dashboard's HTTP side, with real requests: login, the operator-only routes, actions, the tail. */
describe.each([
  ['Express', () => undefined],
  ['Fastify', () => new FastifyAdapter()],
])('admin dashboard over %s', (_name, adapter) => {
  let server: TestApp;
  const clients: Centrifuge[] = [];

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${server.httpUrl}/admin/${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });

  async function login(): Promise<string> {
    const res = await post('login', { password: PASSWORD });
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly; SameSite=Strict/);
    return cookie.split(';', 1)[0]!;
  }

  beforeAll(async () => {
    server = await startApp(
      { auth: { jwt: { secret: TEST_SECRET } }, admin: { enabled: true, password: PASSWORD }, namespaces: { chat: { presence: true } } },
      [],
      undefined,
      { httpAdapter: adapter() },
    );
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.disconnect();
  });
  afterAll(() => server.close());

  it('serves the page to anyone, with its base at the dashboard path and a strict policy', async () => {
    const res = await fetch(`${server.httpUrl}/admin`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await res.text()).toContain('<base href="/admin/">');
    expect((await fetch(`${server.httpUrl}/admin/admin.js`)).headers.get('content-type')).toContain('javascript');
  });

  it('keeps every operator route closed without a session', async () => {
    expect(await (await fetch(`${server.httpUrl}/admin/session`)).json()).toEqual({ operator: false, login: true });
    expect((await fetch(`${server.httpUrl}/admin/overview`)).status).toBe(401);
    expect((await fetch(`${server.httpUrl}/admin/tail?channel=chat:a`)).status).toBe(401);
    expect((await post('api/publish', { channel: 'chat:a', data: {} })).status).toBe(401);
    const forged = 'streaming_admin=9999999999.abc.def';
    expect((await fetch(`${server.httpUrl}/admin/overview`, { headers: { cookie: forged } })).status).toBe(401);
  });

  it('refuses a wrong password, and refuses requests from another origin or not in JSON', async () => {
    expect((await post('login', { password: 'wrong' }, { 'X-Forwarded-For': '198.51.100.1' })).status).toBe(401);
    const cookie = await login();
    expect((await post('api/info', {}, { cookie, Origin: 'https://evil.example' })).status).toBe(401);
    const form = await fetch(`${server.httpUrl}/admin/api/info`, { method: 'POST', headers: { cookie, 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'a=1' });
    expect(form.status).toBe(400);
    expect((await post('api/info', {}, { cookie, Origin: server.httpUrl })).status).toBe(200);
  });

  it('shows connections and channels, and acts through the API: publish, unsubscribe, disconnect', async () => {
    const cookie = await login();
    const alice = await connectedClient(sdkClient(server.wsUrl, { token: await connectionToken('alice') }));
    clients.push(alice);
    const sub = await subscribed(alice, 'chat:ops');
    const overview: any = await (await fetch(`${server.httpUrl}/admin/overview`, { headers: { cookie } })).json();
    expect(overview.node).toMatchObject({ numClients: 1, numChannels: 1 });
    expect(overview.nodes).toEqual([expect.objectContaining({ uid: overview.node.node, numClients: 1, numChannels: 1 })]);
    expect(overview.channels).toEqual([{ channel: 'chat:ops', subscribers: 1, publications: 0 }]);
    expect(overview.connections).toEqual([expect.objectContaining({ user: 'alice', transport: 'websocket', channels: ['chat:ops'] })]);

    const got = collect<any>(sub, 'publication', 1);
    const published = await (await post('api/publish', { channel: 'chat:ops', data: { text: 'from admin' } }, { cookie })).json();
    expect(published).toEqual({ result: {} });
    expect((await got)[0].data).toEqual({ text: 'from admin' });
    const after: any = await (await fetch(`${server.httpUrl}/admin/overview`, { headers: { cookie } })).json();
    expect(after.channels[0].publications).toBe(1);

    const presence: any = await (await post('api/presence', { channel: 'chat:ops' }, { cookie })).json();
    expect(Object.values(presence.result.presence)).toEqual([expect.objectContaining({ user: 'alice' })]);

    const unsubscribed = new Promise<{ code: number }>((resolve) => sub.once('unsubscribed', resolve));
    await post('api/unsubscribe', { user: 'alice', channel: 'chat:ops' }, { cookie });
    expect((await unsubscribed).code).toBe(2000);

    const disconnected = new Promise<{ code: number }>((resolve) => alice.once('disconnected', resolve));
    await post('api/disconnect', { user: 'alice' }, { cookie });
    expect((await disconnected).code).toBe(3503);
  });

  it('tails a channel as server-sent events, as a subscriber of the node that leaves with the request', async () => {
    const cookie = await login();
    const controller = new AbortController();
    const res = await fetch(`${server.httpUrl}/admin/tail?channel=chat:tail`, { headers: { cookie }, signal: controller.signal });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const events = namedEvents(res);
    try {
      expect(await events.next()).toMatchObject({ event: 'ready', data: { channel: 'chat:tail' } });
      const manager = server.app.get(StreamingManager);
      await until(() => manager.channels()['chat:tail']?.numClients === 1, 'the tail subscribes');
      await manager.publish('chat:tail', { n: 1 });
      expect(await events.next()).toMatchObject({ event: 'publication', data: { data: { n: 1 } } });
    } finally {
      controller.abort();
    }
    const manager = server.app.get(StreamingManager);
    await until(() => manager.channels()['chat:tail'] === undefined, 'the tail leaves the channel when its request ends');
  });

  it('logs out: the cookie is cleared', async () => {
    await login();
    const res = await post('logout', {});
    expect(res.headers.get('set-cookie')).toMatch(/streaming_admin=; .*Max-Age=0/);
  });
});

describe('admin dashboard options and guard', () => {
  it.each([
    [{ enabled: true }, /admin\.password or admin\.authorize is needed/],
    [{ enabled: true, password: 'short' }, /admin\.password must be 12 characters at least/],
    [{ enabled: true, password: PASSWORD, authorize: () => true }, /only one of them/],
    [{ enabled: true, password: PASSWORD, path: '/api' }, /admin\.path must not overlap api\.path/],
    [{ enabled: true, password: PASSWORD, path: 'admin' }, /admin\.path must start with/],
    [{ enabled: true, password: PASSWORD, passwd: 'x' }, /admin\.passwd is not an admin option/],
    [{ enabled: 'yes' }, /admin\.enabled must be a boolean/],
  ])('refuses %j at start-up', (admin, message) => {
    const options = { auth: { anonymous: true }, api: { key: 'k' }, admin } as StreamingModuleOptions;
    expect(() => resolveOptions(options)).toThrow(StreamingOptionsError);
    expect(() => resolveOptions(options)).toThrow(message);
  });

  it('is off unless enabled: nothing is served at its path', async () => {
    const server = await startApp({ auth: { anonymous: true }, admin: { password: PASSWORD } });
    try {
      expect((await fetch(`${server.httpUrl}/admin/session`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it("lets the app's own check decide instead of a password", async () => {
    const server = await startApp({
      auth: { anonymous: true },
      admin: { enabled: true, path: '/ops', authorize: (req) => req.headers['x-operator'] === 'yes' },
    });
    try {
      expect(await (await fetch(`${server.httpUrl}/ops/session`)).json()).toEqual({ operator: false, login: false });
      expect((await fetch(`${server.httpUrl}/ops/overview`)).status).toBe(401);
      const res = await fetch(`${server.httpUrl}/ops/overview`, { headers: { 'x-operator': 'yes' } });
      expect(res.status).toBe(200);
      expect((await fetch(`${server.httpUrl}/ops/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' })).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('throttles password guesses per address with 429', async () => {
    const server = await startApp({ auth: { anonymous: true }, admin: { enabled: true, password: PASSWORD } });
    try {
      const guess = () => fetch(`${server.httpUrl}/admin/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"password":"guess"}' });
      const statuses: number[] = [];
      for (let i = 0; i < 11; i++) statuses.push((await guess()).status);
      expect(statuses).toEqual([...Array(10).fill(401), 429]);
    } finally {
      await server.close();
    }
  });
});

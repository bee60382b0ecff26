import { Controller, Get, Param } from '@nestjs/common';
import type { Centrifuge } from 'centrifuge';
import { createConnection } from 'node:net';
import { StreamingManager, type StreamingModuleOptions } from '../lib/index.js';
import { startApp, type TestApp } from './support/app.js';
import { collect, once, sdkClient, subscribed } from './support/centrifuge-client.js';
import { connectionToken, TEST_SECRET } from './support/tokens.js';

const KEY = 'api-key-for-tests';

const options: StreamingModuleOptions = {
  auth: { jwt: { secret: TEST_SECRET }, expiredCloseDelay: 0 },
  namespaces: {
    chat: { presence: true, historySize: 10, historyTtl: 60, forceRecovery: true },
    plain: {},
  },
  api: { key: KEY, maxBodySize: 4096 },
};

/** An app route under the same prefix as the server API. */
@Controller('api/users')
class UsersController {
  @Get(':id')
  user(@Param('id') id: string) {
    return { id };
  }
}

/** A server API call over real HTTP, as Centrifugo's HTTP clients make it. */
async function post(base: string, path: string, body: string | object, headers: Record<string, string> = { 'x-api-key': KEY }) {
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, text, json };
}

describe('server HTTP API (Express)', () => {
  let server: TestApp;
  let manager: StreamingManager;
  const clients: Centrifuge[] = [];
  const call = (method: string, params: string | object = {}) => post(server.httpUrl, `/api/${method}`, params);

  async function connected(user: string): Promise<Centrifuge> {
    return (await connectedWithId(user)).client;
  }

  async function connectedWithId(user: string): Promise<{ client: Centrifuge; id: string }> {
    const client = sdkClient(server.wsUrl, { token: await connectionToken(user, { info: { name: user } }) });
    clients.push(client);
    const ready = once<{ client: string }>(client, 'connected');
    client.connect();
    return { client, id: (await ready).client };
  }

  beforeAll(async () => {
    server = await startApp(options, [], undefined, { controllers: [UsersController] });
    manager = server.app.get(StreamingManager);
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.disconnect();
  });
  afterAll(() => server.close());

  describe('requests it refuses', () => {
    it('answers 401 without the key, with a wrong key, and takes both header forms of the right one', async () => {
      expect((await post(server.httpUrl, '/api/info', {}, {})).status).toBe(401);
      expect((await post(server.httpUrl, '/api/info', {}, { 'x-api-key': 'wrong' })).status).toBe(401);
      const refused = await post(server.httpUrl, '/api/info', {}, { authorization: 'apikey wrong' });
      expect(refused.status).toBe(401);
      expect(refused.json.error.code).toBe(101);
      expect((await post(server.httpUrl, '/api/info', {}, { 'x-api-key': KEY })).status).toBe(200);
      expect((await post(server.httpUrl, '/api/info', {}, { authorization: `apikey ${KEY}` })).status).toBe(200);
      expect((await post(server.httpUrl, '/api', '{"method":"info"}', {})).status).toBe(401);
    });

    it('answers 400 with the reason for a body that is not JSON or has a field of the wrong type', async () => {
      const notJson = await call('publish', '{"channel": "chat:a",');
      expect(notJson.status).toBe(400);
      expect(notJson.json.error).toEqual({ code: 107, message: expect.stringContaining('body is not JSON') });
      const wrongType = await call('publish', { channel: 5, data: {} });
      expect(wrongType.status).toBe(400);
      expect(wrongType.json.error.message).toContain('publish.channel must be a string');
      const notObject = await call('publish', '[1]');
      expect(notObject.status).toBe(400);
      expect(notObject.json.error.message).toContain('params must be an object');
    });

    it('leaves unknown methods to the app (404), answers 405 for GET and 413 for a body over the limit', async () => {
      const unknown = await call('publish_all', {});
      expect(unknown.status).toBe(404);
      expect(unknown.json).toMatchObject({ statusCode: 404 });
      const get = await fetch(`${server.httpUrl}/api/info`, { headers: { 'x-api-key': KEY } });
      expect(get.status).toBe(405);
      expect(get.headers.get('allow')).toBe('POST');
      const big = await call('publish', { channel: 'chat:a', data: 'x'.repeat(5000) });
      expect(big.status).toBe(413);
      expect(big.json.error.code).toBe(106);
      // Chunked, so no Content-Length announces the size: the limit holds while reading.
      const body = new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(`{"channel":"chat:a","data":"${'y'.repeat(3000)}`));
          controller.enqueue(new TextEncoder().encode(`${'y'.repeat(3000)}"}`));
          controller.close();
        },
      });
      const chunked = await fetch(`${server.httpUrl}/api/publish`, { method: 'POST', headers: { 'x-api-key': KEY }, body, duplex: 'half' } as RequestInit);
      expect(chunked.status).toBe(413);
    });

    it('answers a missing channel with 107, an unknown namespace with 102, as replies with HTTP 200', async () => {
      expect((await call('publish', { data: 1 })).json).toEqual({ error: { code: 107, message: 'bad request: channel required' } });
      expect((await call('publish', { channel: 'chat:a' })).json.error.code).toBe(107);
      const unknown = await call('publish', { channel: 'nope:a', data: 1 });
      expect(unknown.status).toBe(200);
      expect(unknown.json.error.code).toBe(102);
    });

    it('leaves the rest of the HTTP server to the app, its own routes under /api included', async () => {
      const other = await fetch(`${server.httpUrl}/apiary`, { method: 'POST' });
      expect(other.status).toBe(404);
      expect(await other.json()).toMatchObject({ statusCode: 404 });
      const own = await fetch(`${server.httpUrl}/api/users/1`);
      expect(await own.json()).toEqual({ id: '1' });
    });
  });

  describe('publish and broadcast', () => {
    it('publishes to SDK subscribers with tags, and answers with the history position', async () => {
      const alice = await connected('alice');
      const sub = await subscribed(alice, 'chat:pub');
      const received = once<any>(sub, 'publication');
      const reply = await call('publish', { channel: 'chat:pub', data: { text: 'hi' }, tags: { kind: 'note' } });
      expect(reply.json).toEqual({ result: { offset: 1, epoch: expect.any(String) } });
      const pub = await received;
      expect(pub.data).toEqual({ text: 'hi' });
      expect(pub.tags).toEqual({ kind: 'note' });
      expect(pub.offset).toBe(1);
    });

    it('keeps a skip_history publication out of history but delivers it', async () => {
      const bob = await connected('bob');
      const sub = await subscribed(bob, 'chat:skip');
      const received = once<any>(sub, 'publication');
      expect((await call('publish', { channel: 'chat:skip', data: 1, skip_history: true })).json).toEqual({ result: {} });
      expect((await received).data).toBe(1);
      expect((await call('history', { channel: 'chat:skip', limit: -1 })).json.result.publications).toEqual([]);
    });

    it('publishes once per idempotency_key and channel, and answers the repeat with the first position', async () => {
      const carol = await connected('carol');
      const sub = await subscribed(carol, 'chat:idem');
      const seen: unknown[] = [];
      sub.on('publication', (ctx) => seen.push(ctx.data));
      const first = await call('publish', { channel: 'chat:idem', data: 'once', idempotency_key: 'k1' });
      const again = await call('publish', { channel: 'chat:idem', data: 'twice', idempotency_key: 'k1' });
      const other = await call('publish', { channel: 'chat:idem', data: 'other', idempotency_key: 'k2' });
      expect(again.json).toEqual(first.json);
      expect(other.json.result.offset).toBe(first.json.result.offset + 1);
      const history = await call('history', { channel: 'chat:idem', limit: -1 });
      expect(history.json.result.publications.map((p: { data: unknown }) => p.data)).toEqual(['once', 'other']);
      const marker = once<any>(sub, 'publication');
      await call('publish', { channel: 'chat:idem', data: 'marker' });
      await marker;
      expect(seen).toEqual(['once', 'other', 'marker']);
    });

    it('broadcasts to several channels with one reply each, a failing channel not failing the rest', async () => {
      const dave = await connected('dave');
      const a = await subscribed(dave, 'chat:b1');
      const b = await subscribed(dave, 'plain:b2');
      const both = Promise.all([once<any>(a, 'publication'), once<any>(b, 'publication')]);
      const reply = await call('broadcast', { channels: ['chat:b1', 'plain:b2', 'nope:x'], data: { n: 1 } });
      expect(reply.json.result.responses).toEqual([
        { result: { offset: 1, epoch: expect.any(String) } },
        { result: {} },
        { error: { code: 102, message: 'unknown channel' } },
      ]);
      expect((await both).map((p) => p.data)).toEqual([{ n: 1 }, { n: 1 }]);
      expect((await call('broadcast', { channels: [], data: 1 })).json.error.code).toBe(107);
    });
  });

  describe('acting on connections', () => {
    it('subscribes a user server-side: the SDK announces it and gets its publications', async () => {
      const erin = await connected('erin');
      const announced = once<any>(erin, 'subscribed');
      expect((await call('subscribe', { user: 'erin', channel: 'chat:server', data: { welcome: true } })).json).toEqual({ result: {} });
      const ctx = await announced;
      expect(ctx.channel).toBe('chat:server');
      expect(ctx.data).toEqual({ welcome: true });
      const published = once<any>(erin, 'publication');
      await call('publish', { channel: 'chat:server', data: 'to erin' });
      expect((await published).data).toBe('to erin');
      const presence = await call('presence', { channel: 'chat:server' });
      expect(Object.values(presence.json.result.presence)).toEqual([{ user: 'erin', client: expect.any(String), conn_info: { name: 'erin' } }]);
    });

    it('recovers publications since a position into the server-side subscription', async () => {
      const first = await call('publish', { channel: 'chat:recover', data: 'missed' });
      const frank = await connected('frank');
      const announced = once<any>(frank, 'subscribed');
      const pubs = once<any>(frank, 'publication');
      const since = { offset: first.json.result.offset - 1, epoch: first.json.result.epoch };
      await call('subscribe', { user: 'frank', channel: 'chat:recover', recover_since: since });
      expect((await announced).recovered).toBe(true);
      expect((await pubs).data).toBe('missed');
    });

    it('unsubscribes a user: the SDK subscription ends with 2000', async () => {
      const gina = await connected('gina');
      const sub = await subscribed(gina, 'chat:unsub');
      const ended = once<{ code: number }>(sub, 'unsubscribed');
      expect((await call('unsubscribe', { user: 'gina', channel: 'chat:unsub' })).json).toEqual({ result: {} });
      expect((await ended).code).toBe(2000);
      expect((await call('channels', { pattern: 'chat:unsub' })).json.result.channels).toEqual({});
    });

    it('disconnects a user with the given code, leaving whitelisted connections', async () => {
      const { client: kept, id: keptId } = await connectedWithId('hank');
      const dropped = await connected('hank');
      const gone = once<{ code: number }>(dropped, 'disconnected');
      const reply = await call('disconnect', { user: 'hank', whitelist: [keptId], disconnect: { code: 4503, reason: 'banned' } });
      expect(reply.json).toEqual({ result: {} });
      expect(await gone).toMatchObject({ code: 4503, reason: 'banned' });
      expect(kept.state).toBe('connected');
      const alsoGone = once<{ code: number }>(kept, 'disconnected');
      await call('disconnect', { user: 'hank' });
      expect((await alsoGone).code).toBe(3503);
    });

    it('refreshes a connection: new info for what it does next, expired closes it with 3005', async () => {
      const ivy = await connected('ivy');
      await call('refresh', { user: 'ivy', info: { name: 'Ivy 2' } });
      await subscribed(ivy, 'chat:refreshed');
      const presence = await call('presence', { channel: 'chat:refreshed' });
      expect(Object.values(presence.json.result.presence)).toEqual([expect.objectContaining({ user: 'ivy', conn_info: { name: 'Ivy 2' } })]);
      const closed = once<{ code: number }>(ivy, 'connecting');
      await call('refresh', { user: 'ivy', expired: true });
      expect((await closed).code).toBe(3005);
    });

    it('refresh with expire_at makes the connection expire then (3005)', async () => {
      const jack = await connected('jack');
      // 0 is protobuf's unset value, as in Centrifugo: not an expiry in 1970.
      await call('refresh', { user: 'jack', expire_at: 0 });
      expect((await call('info')).json.result.nodes[0].num_clients).toBe(1);
      const closed = once<{ code: number }>(jack, 'connecting');
      await call('refresh', { user: 'jack', expire_at: Math.floor(Date.now() / 1000) });
      expect((await closed).code).toBe(3005);
    });

    it('survives a client that goes away in the middle of its body', async () => {
      const { port } = new URL(server.httpUrl);
      const socket = createConnection(Number(port), '127.0.0.1');
      await new Promise((resolve) => socket.once('connect', resolve));
      socket.write(`POST /api/publish HTTP/1.1\r\nHost: x\r\nX-API-Key: ${KEY}\r\nContent-Length: 100\r\n\r\n{"chan`);
      socket.destroy();
      expect((await call('info')).status).toBe(200);
    });

    it('refuses a session id (connections have none here) and a disconnect code no socket can close with', async () => {
      expect((await call('disconnect', { user: 'x', session: 's1' })).json.error.code).toBe(108);
      const kate = await connected('kate');
      for (const code of [5, 1000, 5000]) {
        expect((await call('disconnect', { user: 'kate', disconnect: { code, reason: 'x' } })).json.error.code).toBe(107);
      }
      expect(kate.state).toBe('connected');
    });
  });

  describe('reading state', () => {
    it('answers presence and presence_stats, and 108 where presence is off', async () => {
      const kim = await connected('kim');
      await subscribed(kim, 'chat:who');
      expect((await call('presence_stats', { channel: 'chat:who' })).json).toEqual({ result: { num_clients: 1, num_users: 1 } });
      expect((await call('presence', { channel: 'plain:who' })).json.error.code).toBe(108);
      expect((await call('presence_stats', { channel: 'plain:who' })).json.error.code).toBe(108);
    });

    it('answers history with limit, since and reverse, 112 for another epoch, and removes it', async () => {
      for (const n of [1, 2, 3]) await call('publish', { channel: 'chat:hist', data: n });
      const all = await call('history', { channel: 'chat:hist', limit: -1 });
      const { epoch } = all.json.result;
      expect(all.json.result).toMatchObject({ offset: 3, epoch });
      expect(all.json.result.publications.map((p: { data: number }) => p.data)).toEqual([1, 2, 3]);
      const newest = await call('history', { channel: 'chat:hist', limit: 1, reverse: true });
      expect(newest.json.result.publications.map((p: { data: number }) => p.data)).toEqual([3]);
      const since = await call('history', { channel: 'chat:hist', limit: -1, since: { offset: 1, epoch } });
      expect(since.json.result.publications.map((p: { offset: number }) => p.offset)).toEqual([2, 3]);
      expect((await call('history', { channel: 'chat:hist', since: { offset: 1, epoch: 'other' } })).json.error.code).toBe(112);
      expect((await call('history', { channel: 'plain:hist' })).json.error.code).toBe(108);

      expect((await call('history_remove', { channel: 'chat:hist' })).json).toEqual({ result: {} });
      const after = await call('history', { channel: 'chat:hist', limit: -1 });
      expect(after.json.result.publications).toEqual([]);
      expect(after.json.result.epoch).not.toBe(epoch);
      expect((await call('history_remove', { channel: 'plain:hist' })).json.error.code).toBe(108);
    });

    it('lists channels with subscriber counts, filtered by a pattern', async () => {
      const lee = await connected('lee');
      const mia = await connected('mia');
      for (const c of [lee, mia]) await subscribed(c, 'chat:room-1');
      await subscribed(lee, 'chat:room-2');
      await subscribed(lee, 'plain:other');
      expect((await call('channels', { pattern: 'chat:room-*' })).json.result.channels).toEqual({
        'chat:room-1': { num_clients: 2 },
        'chat:room-2': { num_clients: 1 },
      });
      expect((await call('channels', { pattern: 'chat:room-{2,3}' })).json.result.channels).toEqual({ 'chat:room-2': { num_clients: 1 } });
      expect(Object.keys((await call('channels')).json.result.channels).sort()).toEqual(['chat:room-1', 'chat:room-2', 'plain:other']);
      expect((await call('channels', { pattern: 'chat:[' })).json.error.code).toBe(107);
    });

    it('reports the node in info', async () => {
      await connected('ned');
      const { nodes } = (await call('info')).json.result;
      expect(nodes).toEqual([
        expect.objectContaining({ uid: expect.any(String), name: expect.any(String), num_clients: 1, num_users: 1, uptime: expect.any(Number) }),
      ]);
      expect(manager.stats().numClients).toBe(1);
    });

    it('runs a batch in order, each command with its own reply', async () => {
      const reply = await call('batch', {
        commands: [{ publish: { channel: 'chat:batch', data: 1 } }, { publish: { channel: 'nope:x', data: 1 } }, { history: { channel: 'chat:batch', limit: -1 } }],
      });
      const [published, failed, history] = reply.json.result.replies;
      expect(published).toEqual({ publish: { offset: 1, epoch: expect.any(String) } });
      expect(failed).toEqual({ error: { code: 102, message: 'unknown channel' } });
      expect(history.history.publications).toHaveLength(1);
      expect((await call('batch', { commands: [{ batch: {} }] })).status).toBe(400);
      const parallel = await call('batch', {
        parallel: true,
        commands: [{ publish: { channel: 'chat:batch-p', data: 1 } }, { presence_stats: { channel: 'plain:x' } }, { info: {} }],
      });
      expect(parallel.json.result.replies).toEqual([
        { publish: { offset: 1, epoch: expect.any(String) } },
        { error: { code: 108, message: expect.any(String) } },
        { info: { nodes: expect.any(Array) } },
      ]);
    });
  });

  describe('POST /api with newline-delimited commands', () => {
    it('answers each command on its own line, in order, with its id', async () => {
      const olga = await connected('olga');
      const sub = await subscribed(olga, 'chat:legacy');
      const got = collect<any>(sub, 'publication', 2);
      const body = [
        JSON.stringify({ method: 'publish', params: { channel: 'chat:legacy', data: 'a' }, id: 7 }),
        '',
        JSON.stringify({ method: 'PUBLISH', params: { channel: 'chat:legacy', data: 'b' } }),
        JSON.stringify({ method: 4, params: { channel: 'chat:legacy' } }),
        JSON.stringify({ method: 'presence_stats', params: { channel: 'plain:x' } }),
      ].join('\n');
      const reply = await post(server.httpUrl, '/api', body);
      expect(reply.status).toBe(200);
      const lines = reply.text.split('\n').map((line) => JSON.parse(line));
      expect(lines).toEqual([
        { id: 7, result: { offset: 1, epoch: expect.any(String) } },
        { result: { offset: 2, epoch: expect.any(String) } },
        { result: { presence: expect.any(Object) } },
        { error: { code: 108, message: 'not available: presence is off for plain:x' } },
      ]);
      expect(Object.values(lines[2].result.presence)).toEqual([expect.objectContaining({ user: 'olga' })]);
      expect((await got).map((p) => p.data)).toEqual(['a', 'b']);
    });

    it('refuses the whole body with 400 and the line when one line is malformed, running none of it', async () => {
      const body = [
        JSON.stringify({ method: 'publish', params: { channel: 'chat:atomic', data: 'a' } }),
        JSON.stringify({ method: 'publish_all', params: {} }),
      ].join('\n');
      const reply = await post(server.httpUrl, '/api', body);
      expect(reply.status).toBe(400);
      expect(reply.json.error.message).toContain('line 2');
      expect((await post(server.httpUrl, '/api', '{"method":"info"}\n{oops')).json.error.message).toContain('line 2 is not JSON');
      expect((await post(server.httpUrl, '/api', '\n')).status).toBe(400);
      expect((await call('history', { channel: 'chat:atomic', limit: -1 })).json.result.publications).toEqual([]);
    });
  });
});

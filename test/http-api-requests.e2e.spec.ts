import { createConnection } from 'node:net';
import { API_KEY, ApiTestBed, postApi } from './support/api-test-bed.js';
import { collect, subscribed } from './support/centrifuge-client.js';

describe('server HTTP API requests (Express)', () => {
  const bed = new ApiTestBed();

  beforeAll(() => bed.start());
  afterEach(() => bed.disconnectClients());
  afterAll(() => bed.server.close());

  describe('requests it refuses', () => {
    it('answers 401 without the key, with a wrong key, and takes both header forms of the right one', async () => {
      expect((await postApi(bed.server.httpUrl, '/api/info', {}, {})).status).toBe(401);
      expect((await postApi(bed.server.httpUrl, '/api/info', {}, { 'x-api-key': 'wrong' })).status).toBe(401);
      const refused = await postApi(bed.server.httpUrl, '/api/info', {}, { authorization: 'apikey wrong' });
      expect(refused.status).toBe(401);
      expect(refused.json.error.code).toBe(101);
      expect((await postApi(bed.server.httpUrl, '/api/info', {}, { 'x-api-key': API_KEY })).status).toBe(200);
      expect((await postApi(bed.server.httpUrl, '/api/info', {}, { authorization: `apikey ${API_KEY}` })).status).toBe(200);
      expect((await postApi(bed.server.httpUrl, '/api', '{"method":"info"}', {})).status).toBe(401);
      // Refused before its body was read: the connection is not kept for the rest of it.
      const unread = await fetch(`${bed.server.httpUrl}/api/publish`, { method: 'POST', body: 'x'.repeat(100_000) });
      expect(unread.status).toBe(401);
      expect(unread.headers.get('connection')).toBe('close');
    });

    it('answers 400 with the reason for a body that is not JSON or has a field of the wrong type', async () => {
      const notJson = await bed.call('publish', '{"channel": "chat:a",');
      expect(notJson.status).toBe(400);
      expect(notJson.json.error).toEqual({ code: 107, message: expect.stringContaining('body is not JSON') });
      const wrongType = await bed.call('publish', { channel: 5, data: {} });
      expect(wrongType.status).toBe(400);
      expect(wrongType.json.error.message).toContain('publish.channel must be a string');
      const deep = await bed.call('publish', { channel: 'chat:a', data: JSON.parse('['.repeat(101) + ']'.repeat(101)) });
      expect(deep.status).toBe(400);
      expect(deep.json.error.message).toContain('nested deeper than 100');
      const notObject = await bed.call('publish', '[1]');
      expect(notObject.status).toBe(400);
      expect(notObject.json.error.message).toContain('params must be an object');
    });

    it('leaves unknown methods to the app (404), answers 405 for GET and 413 for a body over the limit', async () => {
      const unknown = await bed.call('publish_all', {});
      expect(unknown.status).toBe(404);
      expect(unknown.json).toMatchObject({ statusCode: 404 });
      const get = await fetch(`${bed.server.httpUrl}/api/info`, { headers: { 'x-api-key': API_KEY } });
      expect(get.status).toBe(405);
      expect(get.headers.get('allow')).toBe('POST');
      const big = await bed.call('publish', { channel: 'chat:a', data: 'x'.repeat(5000) });
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
      const chunked = await fetch(`${bed.server.httpUrl}/api/publish`, { method: 'POST', headers: { 'x-api-key': API_KEY }, body, duplex: 'half' } as RequestInit);
      expect(chunked.status).toBe(413);
    });

    it('answers a missing channel with 107, an unknown namespace with 102, as replies with HTTP 200', async () => {
      expect((await bed.call('publish', { data: 1 })).json).toEqual({ error: { code: 107, message: 'bad request: channel required' } });
      expect((await bed.call('publish', { channel: 'chat:a' })).json.error.code).toBe(107);
      const unknown = await bed.call('publish', { channel: 'nope:a', data: 1 });
      expect(unknown.status).toBe(200);
      expect(unknown.json.error.code).toBe(102);
    });

    it('survives a client that goes away in the middle of its body', async () => {
      const { port } = new URL(bed.server.httpUrl);
      const socket = createConnection(Number(port), '127.0.0.1');
      await new Promise((resolve) => socket.once('connect', resolve));
      socket.write(`POST /api/publish HTTP/1.1\r\nHost: x\r\nX-API-Key: ${API_KEY}\r\nContent-Length: 100\r\n\r\n{"chan`);
      socket.destroy();
      expect((await bed.call('info')).status).toBe(200);
    });

    it('leaves the rest of the HTTP server to the app, its own routes under /api included', async () => {
      const other = await fetch(`${bed.server.httpUrl}/apiary`, { method: 'POST' });
      expect(other.status).toBe(404);
      expect(await other.json()).toMatchObject({ statusCode: 404 });
      const own = await fetch(`${bed.server.httpUrl}/api/users/1`);
      expect(await own.json()).toEqual({ id: '1' });
    });
  });

  describe('POST /api with newline-delimited commands', () => {
    it('answers each command on its own line, in order, with its id', async () => {
      const olga = await bed.connected('olga');
      const sub = await subscribed(olga, 'chat:legacy');
      const got = collect<any>(sub, 'publication', 2);
      const body = [
        JSON.stringify({ method: 'publish', params: { channel: 'chat:legacy', data: 'a' }, id: 7 }),
        '',
        JSON.stringify({ method: 'PUBLISH', params: { channel: 'chat:legacy', data: 'b' } }),
        JSON.stringify({ method: 4, params: { channel: 'chat:legacy' } }),
        JSON.stringify({ method: 'presence_stats', params: { channel: 'plain:x' } }),
      ].join('\n');
      const reply = await postApi(bed.server.httpUrl, '/api', body);
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
      const reply = await postApi(bed.server.httpUrl, '/api', body);
      expect(reply.status).toBe(400);
      expect(reply.json.error.message).toContain('line 2');
      expect((await postApi(bed.server.httpUrl, '/api', '{"method":"info"}\n{oops')).json.error.message).toContain('line 2 is not JSON');
      expect((await postApi(bed.server.httpUrl, '/api', '\n')).status).toBe(400);
      expect((await bed.call('history', { channel: 'chat:atomic', limit: -1 })).json.result.publications).toEqual([]);
    });
  });
});

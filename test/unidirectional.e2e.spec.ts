import WebSocket from 'ws';
import { StreamingManager, type StreamingModuleOptions } from '../lib/index.js';
import { startApp, type TestApp } from './support/app.js';
import { eventSource, MessageQueue, ndjson } from './support/message-stream.js';
import { connectionToken, TEST_SECRET } from './support/tokens.js';

const options: StreamingModuleOptions = {
  auth: { jwt: { secret: TEST_SECRET } },
  namespaces: { chat: { joinLeave: true } },
  websocket: { pingInterval: 0.2, pongTimeout: 0.1 },
  transports: { uniSse: true, uniHttpStream: true, uniWebsocket: true },
};

/** A token whose identity subscribes the connection to `channels` (the only way a unidirectional client subscribes). */
function tokenFor(user: string, channels: string[]): Promise<string> {
  return connectionToken(user, { subs: Object.fromEntries(channels.map((channel) => [channel, {}])) });
}

/** Skips pings (`{}`), which arrive on their own schedule. */
async function nextPush(queue: MessageQueue): Promise<any> {
  for (;;) {
    const message = await queue.next();
    if (Object.keys(message).length > 0) return message;
  }
}

/** A uni_websocket client's messages, parsed, and its close code. */
function uniWebSocket(url: string): { ws: WebSocket; queue: MessageQueue; closed: Promise<number> } {
  const ws = new WebSocket(url);
  const queue = new MessageQueue();
  ws.on('message', (data) => queue.push(JSON.parse(data.toString())));
  const closed = new Promise<number>((resolve) =>
    ws.on('close', (code) => {
      queue.end();
      resolve(code);
    }),
  );
  return { ws, queue, closed };
}

/** Centrifugo's unidirectional transports with plain clients: EventSource, fetch, a bare WebSocket. */
describe('unidirectional transports', () => {
  let server: TestApp;
  let manager: StreamingManager;
  const cleanup: Array<() => void> = [];

  beforeAll(async () => {
    server = await startApp(options);
    manager = server.app.get(StreamingManager);
  });
  afterEach(() => {
    for (const close of cleanup.splice(0)) close();
  });
  afterAll(() => server.close());

  it('uni_sse: connect request in cf_connect, a connect push, then publications as bare pushes', async () => {
    const request = { token: await tokenFor('alice', ['chat:sse']) };
    const { queue, source, status } = eventSource(`${server.httpUrl}/connection/uni_sse?cf_connect=${encodeURIComponent(JSON.stringify(request))}`);
    cleanup.push(() => source.close());
    expect(await status).toBe(200);
    const connect = await nextPush(queue);
    expect(connect.connect).toMatchObject({ client: expect.any(String), ping: 0.2, subs: { 'chat:sse': {} } });
    expect(connect.connect.pong).toBe(false);
    await manager.publish('chat:sse', { text: 'hi' });
    expect(await nextPush(queue)).toEqual({ channel: 'chat:sse', pub: { data: { text: 'hi' } } });
  });

  it('uni_sse: pings arrive and the connection is not closed for want of pongs', async () => {
    const request = { token: await tokenFor('bob', []) };
    const { queue, source } = eventSource(`${server.httpUrl}/connection/uni_sse?cf_connect=${encodeURIComponent(JSON.stringify(request))}`);
    cleanup.push(() => source.close());
    expect((await queue.next()).connect).toBeDefined();
    // Three pings: the pong timeout (0.1 s) passed after each, and the stream is still open.
    for (let i = 0; i < 3; i++) expect(await queue.next()).toEqual({});
    expect(queue.ended).toBe(false);
  });

  it('uni_sse: a POST body carries the connect request too', async () => {
    const response = await fetch(`${server.httpUrl}/connection/uni_sse`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: await tokenFor('carol', []) }),
    });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = response.body!.getReader();
    cleanup.push(() => void reader.cancel());
    const { value } = await reader.read();
    expect(new TextDecoder().decode(value)).toMatch(/^data: \{"connect":\{"client":/);
  });

  it('uni_http_stream: newline-delimited pushes and the disconnect before the end', async () => {
    const response = await fetch(`${server.httpUrl}/connection/uni_http_stream`, {
      method: 'POST',
      body: JSON.stringify({ token: await tokenFor('dave', ['chat:stream']) }),
    });
    expect(response.status).toBe(200);
    const queue = ndjson(response);
    expect((await nextPush(queue)).connect.subs).toHaveProperty(['chat:stream']);
    await manager.publish('chat:stream', 1);
    expect(await nextPush(queue)).toEqual({ channel: 'chat:stream', pub: { data: 1 } });
    await manager.disconnect('dave', { code: 4000, reason: 'go away' });
    expect(await nextPush(queue)).toEqual({ disconnect: { code: 4000, reason: 'go away', reconnect: true } });
    await queue.closed();
  });

  it.each([
    ['an invalid token', async () => 'not-a-jwt', { code: 3500, reconnect: false }],
    // Error 109 as a reply would be lost on a unidirectional client: Centrifugo's mapping makes it 3005.
    ['an expired token', () => connectionToken('gina', {}, -10), { code: 3005, reconnect: true }],
  ])('a connect refused for %s becomes a disconnect the client can read', async (_name, token, disconnect) => {
    const response = await fetch(`${server.httpUrl}/connection/uni_http_stream`, { method: 'POST', body: JSON.stringify({ token: await token() }) });
    const queue = ndjson(response);
    expect(await queue.next()).toMatchObject({ disconnect });
    await queue.closed();
  });

  it('uni_websocket: connect request as the first message; another message closes with 3501', async () => {
    const { ws, queue, closed } = uniWebSocket(`ws://127.0.0.1:${server.port}/connection/uni_websocket`);
    cleanup.push(() => ws.terminate());
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send(JSON.stringify({ token: await tokenFor('erin', ['chat:ws']) }));
    expect((await nextPush(queue)).connect.subs).toHaveProperty(['chat:ws']);
    await manager.publish('chat:ws', 'x');
    expect(await nextPush(queue)).toEqual({ channel: 'chat:ws', pub: { data: 'x' } });
    ws.send('{}');
    expect(await closed).toBe(3501);
  });

  it('uni_websocket: the connect request in cf_connect', async () => {
    const request = encodeURIComponent(JSON.stringify({ token: await tokenFor('fred', []) }));
    const { ws, queue } = uniWebSocket(`ws://127.0.0.1:${server.port}/connection/uni_websocket?cf_connect=${request}`);
    cleanup.push(() => ws.terminate());
    expect((await nextPush(queue)).connect.client).toEqual(expect.any(String));
  });

  it.each([
    ['cf_connect not JSON', 'GET', '/connection/uni_sse?cf_connect=%7Bnope', undefined, 400],
    ['a connect request that is not an object', 'POST', '/connection/uni_http_stream', '[1]', 400],
    ['GET on HTTP streaming', 'GET', '/connection/uni_http_stream', undefined, 405],
    ['a body over transports.maxRequestBodySize', 'POST', '/connection/uni_sse', JSON.stringify({ data: 'x'.repeat(70_000) }), 413],
  ])('answers %s with an HTTP error before any stream', async (_name, method, path, body, status) => {
    const response = await fetch(`${server.httpUrl}${path}`, { method, body });
    expect(response.status).toBe(status);
    expect(((await response.json()) as { error: unknown }).error).toEqual(expect.any(String));
  });
});

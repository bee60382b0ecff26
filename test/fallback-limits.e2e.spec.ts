import { FastifyAdapter } from '@nestjs/platform-fastify';
import WebSocket from 'ws';
import { request, type IncomingMessage } from 'node:http';
import { StreamingManager, type StreamingModuleOptions } from '../lib/index.js';
import { startApp, type TestApp } from './support/app.js';
import { eventSource, ndjson } from './support/message-stream.js';
import { upgradeOutcome } from './support/upgrade-outcome.js';
import { connectionToken, TEST_SECRET } from './support/tokens.js';

const base: StreamingModuleOptions = {
  auth: { jwt: { secret: TEST_SECRET }, anonymous: true },
  transports: { uniSse: true, uniHttpStream: true, httpStream: true },
};

/** The limits every transport shares, and bad requests to the emulation endpoint. */
describe('fallback transports: limits and bad input', () => {
  let server: TestApp | undefined;
  const cleanup: Array<() => void> = [];

  afterEach(async () => {
    for (const close of cleanup.splice(0)) close();
    await server?.close();
    server = undefined;
  });

  it('counts streams and WebSockets together against limits.maxConnections (503)', async () => {
    server = await startApp({ ...base, limits: { maxConnections: 1 } });
    const { queue, source } = eventSource(`${server.httpUrl}/connection/uni_sse`);
    cleanup.push(() => source.close());
    expect((await queue.next()).connect).toBeDefined();
    expect(await upgradeOutcome(server.wsUrl)).toBe(503);
    const second = await fetch(`${server.httpUrl}/connection/uni_http_stream`, { method: 'POST', body: '{}' });
    expect(second.status).toBe(503);
    await second.body?.cancel();
    // The slot comes back when the stream ends.
    source.close();
    const deadline = Date.now() + 5000;
    let status = 0;
    while (status !== 200 && Date.now() < deadline) {
      const response = await fetch(`${server.httpUrl}/connection/uni_http_stream`, { method: 'POST', body: '{}' });
      status = response.status;
      await response.body?.cancel();
    }
    expect(status).toBe(200);
  });

  it('refuses streams over the per-address attempt rate with 429', async () => {
    server = await startApp({ ...base, limits: { connectionAttemptsPerSecond: 1, connectionAttemptBurst: 1 } });
    const first = await fetch(`${server.httpUrl}/connection/uni_http_stream`, { method: 'POST', body: '{}' });
    expect(first.status).toBe(200);
    cleanup.push(() => void first.body?.cancel());
    const second = await fetch(`${server.httpUrl}/connection/uni_http_stream`, { method: 'POST', body: '{}' });
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toBe('1');
  });

  it('closes an emulation stream that opens with another command than connect with 3501', async () => {
    server = await startApp(base);
    const response = await fetch(`${server.httpUrl}/connection/http_stream`, { method: 'POST', body: '{"id":1,"ping":{}}' });
    const queue = ndjson(response);
    let message = await queue.next();
    while (!message.push) message = await queue.next();
    expect(message).toEqual({ push: { disconnect: { code: 3501, reason: 'bad request', reconnect: false } } });
    await queue.closed();
  });

  it.each([
    ['GET', undefined, 405],
    ['POST', 'not json', 400],
    ['POST', JSON.stringify({ session: 1, data: '{}' }), 400],
    ['POST', JSON.stringify({ session: 'nobody', node: 'n', data: '{"id":1,"ping":{}}' }), 404],
  ])('answers %s %s at the emulation endpoint with HTTP %i', async (method, body, status) => {
    server = await startApp(base);
    const response = await fetch(`${server.httpUrl}/emulation`, { method, body });
    expect(response.status).toBe(status);
  });

  it('leaves other paths to the app (404 from Nest, not from us)', async () => {
    server = await startApp(base);
    const response = await fetch(`${server.httpUrl}/connection/uni_sse_not`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ statusCode: 404 });
  });

  it('closes open streams with 3001 at shutdown', async () => {
    server = await startApp(base);
    const response = await fetch(`${server.httpUrl}/connection/uni_http_stream`, { method: 'POST', body: '{}' });
    const queue = ndjson(response);
    expect((await queue.next()).connect).toBeDefined();
    const closing = server.close();
    server = undefined;
    expect(await queue.next()).toEqual({ disconnect: { code: 3001, reason: 'shutdown', reconnect: true } });
    await closing;
  });

  it('serves the streams and the emulation endpoint on Fastify too, in front of its routes', async () => {
    server = await startApp(base, [], undefined, { httpAdapter: new FastifyAdapter() });
    const { queue, source } = eventSource(`${server.httpUrl}/connection/uni_sse`);
    cleanup.push(() => source.close());
    expect((await queue.next()).connect).toBeDefined();
    const emulation = await fetch(`${server.httpUrl}/emulation`, { method: 'POST', body: '{"session":"none","data":"{}"}' });
    expect(emulation.status).toBe(404);
    expect(((await emulation.json()) as { error: string }).error).toBe('no such session on this node');
    // The app's own 404 (through Fastify) for a path that is not ours.
    expect(await (await fetch(`${server.httpUrl}/connection/other`)).json()).toMatchObject({ statusCode: 404, message: 'Cannot GET /connection/other' });
  });

  it('drops a stream whose reader stalls, as a slow WebSocket (maxQueueSize, 3008)', async () => {
    server = await startApp({ ...base, websocket: { maxQueueSize: 64 * 1024 } });
    const manager = server.app.get(StreamingManager);
    const token = await connectionToken('slow', { subs: { news: {} } });
    const response = await new Promise<IncomingMessage>((resolve) => {
      request(`${server!.httpUrl}/connection/uni_http_stream`, { method: 'POST' }, resolve).end(JSON.stringify({ token }));
    });
    cleanup.push(() => response.destroy());
    // The client never reads: what the OS buffers fills, then the response's own buffer.
    response.pause();
    const subscribers = () => manager.channels('news').news?.numClients ?? 0;
    const deadline = Date.now() + 10_000;
    while (subscribers() === 0 && Date.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
    const big = 'x'.repeat(64 * 1024);
    while (subscribers() > 0 && Date.now() < deadline) {
      await manager.publish('news', big);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(subscribers()).toBe(0);
  });

  it('closes a uni_websocket that never sends its connect request with 3502 (connectTimeout)', async () => {
    server = await startApp({ ...base, transports: { uniWebsocket: true }, websocket: { connectTimeout: 0.1 } });
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/connection/uni_websocket`);
    cleanup.push(() => ws.terminate());
    const code = await new Promise<number>((resolve) => ws.once('close', resolve));
    expect(code).toBe(3502);
  });

  it('ends a unidirectional stream with 3005 when its token expires (it cannot refresh)', async () => {
    server = await startApp({ ...base, auth: { jwt: { secret: TEST_SECRET }, expiredCloseDelay: 0 } });
    const response = await fetch(`${server.httpUrl}/connection/uni_http_stream`, {
      method: 'POST',
      body: JSON.stringify({ token: await connectionToken('brief', {}, 1) }),
    });
    const queue = ndjson(response);
    expect((await queue.next()).connect).toMatchObject({ expires: true });
    expect(await queue.next(4000)).toEqual({ disconnect: { code: 3005, reason: 'connection expired', reconnect: true } });
    await queue.closed();
  });
});

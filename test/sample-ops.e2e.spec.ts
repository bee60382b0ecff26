import type { INestApplication } from '@nestjs/common';
import type { Centrifuge } from 'centrifuge';
import type { AddressInfo } from 'node:net';
import { StreamingManager } from '../lib/index.js';
import { createSampleApp } from '../sample/app.js';
import { loadConfig } from '../sample/config.js';
import { connectedClient, once, sdkClient, subscribed } from './support/centrifuge-client.js';
import { eventSource } from './support/message-stream.js';
import { until } from './support/wait.js';

const KEY = 'sample-api-key';

describe('sample app: server API and health probes', () => {
  let app: INestApplication;
  let base: string;
  let client: Centrifuge | undefined;

  beforeAll(async () => {
    app = await createSampleApp(loadConfig({ STREAMING_API_KEY: KEY }), { logger: process.env.TEST_LOGS ? undefined : false });
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });
  // Each test starts on a node its predecessor has left (streams closed, sockets gone), so counts
  // such as `num_clients` and `streaming_connections` are this test's own whatever the order.
  afterEach(async () => {
    client?.disconnect();
    client = undefined;
    const streaming = app.get(StreamingManager);
    await until(() => streaming.stats().numClients === 0, 'the test\'s connections are gone');
  });
  afterAll(() => app.close());

  it('serves the API at /api with STREAMING_API_KEY: a service announces to anonymous readers', async () => {
    client = await connectedClient(sdkClient(base.replace('http', 'ws') + '/connection/websocket'));
    const sub = await subscribed(client, 'public:announcements');
    const got = once<any>(sub, 'publication');
    const reply = await fetch(`${base}/api/publish`, {
      method: 'POST',
      headers: { authorization: `apikey ${KEY}` },
      body: JSON.stringify({ channel: 'public:announcements', data: { text: 'maintenance at noon' } }),
    });
    expect(reply.status).toBe(200);
    expect((await got).data).toEqual({ text: 'maintenance at noon' });

    const legacy = await fetch(`${base}/api`, { method: 'POST', headers: { 'x-api-key': KEY }, body: '{"method":"info","params":{}}' });
    expect(((await legacy.json()) as any).result.nodes[0].num_clients).toBe(1);
    expect((await fetch(`${base}/api/info`, { method: 'POST', body: '{}' })).status).toBe(401);
  });

  it('serves /metrics in Prometheus text, with streaming_ names beside the process metrics', async () => {
    client = await connectedClient(sdkClient(base.replace('http', 'ws') + '/connection/websocket'));
    const response = await fetch(`${base}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(text).toMatch(/^streaming_connections 1$/m);
    expect(text).toMatch(/^streaming_connections_opened_total\{transport="websocket"\} [1-9]\d*$/m);
    expect(text).toContain('process_cpu_user_seconds_total');
  });

  it('serves /health and /health/ready', async () => {
    const live = await fetch(`${base}/health`);
    expect(live.status).toBe(200);
    const ready = await fetch(`${base}/health/ready`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as any).details.streaming).toMatchObject({ status: 'up', backend: { reachable: true } });
  });

  it('serves /connection/uni_sse: cf_connect or a POST body, then pushes a plain EventSource reads', async () => {
    const { token } = (await (await fetch(`${base}/dev/token?user=uma`)).json()) as { token: string };
    const { queue, source } = eventSource(`${base}/connection/uni_sse?cf_connect=${encodeURIComponent(JSON.stringify({ token }))}`);
    try {
      expect((await queue.next()).connect).toMatchObject({ client: expect.any(String) });
      const api = (method: string, params: object) =>
        fetch(`${base}/api/${method}`, { method: 'POST', headers: { 'x-api-key': KEY }, body: JSON.stringify(params) });
      expect((await api('subscribe', { user: 'uma', channel: 'public:announcements' })).status).toBe(200);
      expect(await queue.next()).toMatchObject({ channel: 'public:announcements', subscribe: {} });
      await api('publish', { channel: 'public:announcements', data: { text: 'to uni_sse' } });
      expect(await queue.next()).toMatchObject({ channel: 'public:announcements', pub: { data: { text: 'to uni_sse' } } });
    } finally {
      source.close();
    }
    // Aborted, not only cancelled: the stream's socket must close for the server to see the client go.
    const abort = new AbortController();
    const posted = await fetch(`${base}/connection/uni_sse`, { method: 'POST', body: JSON.stringify({ token }), signal: abort.signal });
    const { value } = await posted.body!.getReader().read();
    expect(new TextDecoder().decode(value)).toMatch(/^data: \{"connect":/);
    abort.abort();
  });
});

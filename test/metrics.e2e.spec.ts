import type { Centrifuge } from 'centrifuge';
import { Registry } from 'prom-client';
import type { Backend } from '../lib/backends/backend.interface.js';
import { StreamingOptionsError, type StreamingModuleOptions } from '../lib/index.js';
import { resolveOptions } from '../lib/options/resolve-options.js';
import { BACKEND } from '../lib/streaming.constants.js';
import { startApp, type TestApp } from './support/app.js';
import { connectedClient, once, refusedCode, sdkClient, subscribed } from './support/centrifuge-client.js';
import { eventually } from './support/eventually.js';
import { connectionToken, TEST_SECRET } from './support/tokens.js';

/** Scrapes over real HTTP, as Prometheus does: sample name with its labels → value. */
async function scrape(url: string): Promise<Map<string, number>> {
  const response = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5000) });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const samples = new Map<string, number>();
  for (const line of (await response.text()).split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return samples;
}

const options = (registry: Registry): StreamingModuleOptions => ({
  auth: { jwt: { secret: TEST_SECRET } },
  namespaces: { chat: { presence: true, historySize: 10, historyTtl: 60, allowPublishForSubscriber: true } },
  metrics: { enabled: true, registry },
});

describe('Prometheus metrics', () => {
  let server: TestApp;
  let client: Centrifuge | undefined;

  beforeEach(async () => {
    server = await startApp(options(new Registry()));
  });
  afterEach(async () => {
    client?.disconnect();
    await server.close();
  });

  it('serves every family at /metrics and moves them with connections, subscriptions, publications and refusals', async () => {
    const before = await scrape(server.httpUrl);
    expect(before.get('streaming_connections')).toBe(0);
    expect(before.get('streaming_nodes')).toBe(1);

    client = await connectedClient(sdkClient(server.wsUrl, { token: await connectionToken('alice') }));
    const sub = await subscribed(client, 'chat:room');
    const arrived = once(sub, 'publication');
    await sub.publish({ text: 'hi' });
    await arrived;
    expect(await refusedCode(client, 'nowhere:room')).toBe(102);

    await eventually(async () => {
      const s = await scrape(server.httpUrl);
      expect(s.get('streaming_connections')).toBe(1);
      expect(s.get('streaming_connections_opened_total{transport="websocket"}')).toBe(1);
      expect(s.get('streaming_subscriptions')).toBe(1);
      expect(s.get('streaming_channels')).toBe(1);
      expect(s.get('streaming_publications_total{namespace="chat"}')).toBe(1);
      expect(s.get('streaming_deliveries_total{namespace="chat"}')).toBe(1);
      expect(s.get('streaming_refusals_total{code="102"}')).toBe(1);
      expect(s.get('streaming_command_duration_seconds_count{command="publish"}')).toBe(1);
      expect(s.get('streaming_command_duration_seconds_count{command="connect"}')).toBe(1);
      // In seconds: a publish on this machine takes well under one (in milliseconds it would read as hundreds).
      expect(s.get('streaming_command_duration_seconds_sum{command="publish"}')).toBeGreaterThan(0);
      expect(s.get('streaming_command_duration_seconds_sum{command="publish"}')).toBeLessThan(1);
      expect(s.get('streaming_publication_send_duration_seconds_count')).toBe(1);
      expect(s.get('streaming_received_bytes_total')).toBeGreaterThan(0);
      expect(s.get('streaming_sent_bytes_total')).toBeGreaterThan(0);
      expect(s.get('streaming_backend_operation_duration_seconds_count{operation="broker.publish"}')).toBe(1);
      expect(s.get('streaming_backend_operation_duration_seconds_count{operation="presence.add"}')).toBe(1);
    });

    const closed = once(client, 'disconnected');
    client.disconnect();
    await closed;
    await eventually(async () => {
      const s = await scrape(server.httpUrl);
      expect(s.get('streaming_connections')).toBe(0);
      expect(s.get('streaming_connections_closed_total{code="3000"}')).toBe(1);
      expect(s.get('streaming_subscriptions')).toBe(0);
      expect(s.get('streaming_channels')).toBe(0);
    });
  });

  it('counts backend errors by operation', async () => {
    // The memory backend never fails; a Redis one can, which a failing presence store stands in for.
    server.app.get<symbol, Backend>(BACKEND).presence.add = () => Promise.reject(new Error('backend down'));
    client = await connectedClient(sdkClient(server.wsUrl, { token: await connectionToken('alice') }));
    // Error 100 is temporary: the SDK keeps retrying, each attempt failing on the backend again.
    client.newSubscription('chat:room').subscribe();
    let s = new Map<string, number>();
    await eventually(async () => {
      s = await scrape(server.httpUrl);
      expect(s.get('streaming_backend_errors_total{operation="presence.add"}')).toBeGreaterThanOrEqual(1);
      expect(s.get('streaming_refusals_total{code="100"}')).toBeGreaterThanOrEqual(1);
    });
    // Nothing was dropped here; the family is declared with both reasons from the start.
    expect(s.get('streaming_messages_dropped_total{reason="low_priority"}')).toBe(0);
    expect(s.get('streaming_messages_dropped_total{reason="slow_cut"}')).toBe(0);
  });
});

describe('metrics options', () => {
  it('are off by default: no /metrics, nothing registered', async () => {
    const server = await startApp({});
    try {
      const response = await fetch(`${server.httpUrl}/metrics`);
      expect(response.status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('take a prefix and a path, and leave the registry clean on close so the app can start again', async () => {
    const registry = new Registry();
    for (let round = 0; round < 2; round++) {
      const server = await startApp({ metrics: { enabled: true, registry, prefix: 'myapp_', path: '/internal/metrics' } });
      try {
        const text = await (await fetch(`${server.httpUrl}/internal/metrics`)).text();
        expect(text).toContain('myapp_streaming_connections 0');
      } finally {
        await server.close();
      }
    }
    expect(await registry.metrics()).toBe('\n');
  });

  it('are checked at start-up with the field named', () => {
    const bad: Array<[unknown, string]> = [
      [{ enabled: 'yes' }, 'metrics.enabled'],
      [{ enabled: true, registry: {} }, 'metrics.registry'],
      [{ enabled: true, prefix: '9x' }, 'metrics.prefix'],
      [{ enabled: true, path: 'metrics' }, 'metrics.path'],
      [{ enabled: true, port: 9100 }, 'metrics.port'],
    ];
    for (const [metrics, field] of bad) {
      expect(() => resolveOptions({ metrics } as StreamingModuleOptions)).toThrow(StreamingOptionsError);
      expect(() => resolveOptions({ metrics } as StreamingModuleOptions)).toThrow(field);
    }
  });
});

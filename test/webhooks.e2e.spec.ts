import type { Centrifuge } from 'centrifuge';
import { createHmac } from 'node:crypto';
import {
  StreamingManager,
  verifyWebhookSignature,
  WebhookDeadLetters,
  WebhookHeaders,
  type StreamingModuleOptions,
  type WebhooksOptions,
} from '../lib/index.js';
import { startApp, type TestApp } from './support/app.js';
import { connectedClient, sdkClient } from './support/centrifuge-client.js';
import { eventually } from './support/eventually.js';
import { HttpReceiver } from './support/http-receiver.js';
import { connectionToken, TEST_SECRET } from './support/tokens.js';

const SECRET = 'webhook-secret';

describe('webhooks to a real HTTP receiver', () => {
  let receiver: HttpReceiver;
  let url: string;
  let server: TestApp | undefined;
  let client: Centrifuge | undefined;

  async function start(webhooks: Partial<WebhooksOptions> = {}): Promise<{ manager: StreamingManager; deadLetters: WebhookDeadLetters }> {
    const options: StreamingModuleOptions = {
      auth: { jwt: { secret: TEST_SECRET } },
      namespaces: { chat: { historySize: 10, historyTtl: 60 } },
      webhooks: {
        endpoints: [{ url: `${url}/published`, secret: SECRET, events: ['streaming.published'] }],
        initialBackoff: 20,
        maxBackoff: 1000,
        maxAttempts: 3,
        timeout: 300,
        ...webhooks,
      },
    };
    server = await startApp(options);
    return { manager: server.app.get(StreamingManager), deadLetters: server.app.get(WebhookDeadLetters) };
  }

  beforeEach(async () => {
    receiver = new HttpReceiver();
    url = await receiver.start();
  });
  afterEach(async () => {
    client?.disconnect();
    client = undefined;
    await server?.close();
    server = undefined;
    await receiver.close();
  });

  it('POSTs the event signed with HMAC-SHA256 over "<timestamp>.<body>"', async () => {
    const { manager } = await start();
    const position = await manager.publish('chat:hook', { text: 'hi' }, { tags: { kind: 'note' } });
    await eventually(() => expect(receiver.to('/published')).toHaveLength(1));
    const [request] = receiver.requests;
    const timestamp = request!.headers[WebhookHeaders.Timestamp] as string;
    const signature = request!.headers[WebhookHeaders.Signature] as string;
    const expected = createHmac('sha256', SECRET).update(`${timestamp}.${request!.body}`).digest('hex');
    expect(signature).toBe(`sha256=${expected}`);
    expect(verifyWebhookSignature(SECRET, timestamp, request!.body, signature)).toBe(true);
    expect(verifyWebhookSignature('other secret', timestamp, request!.body, signature)).toBe(false);
    expect(verifyWebhookSignature(SECRET, timestamp, request!.body.replace('hi', 'ho'), signature)).toBe(false);
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers[WebhookHeaders.Event]).toBe('streaming.published');
    const body = JSON.parse(request!.body);
    expect(body).toEqual({
      id: request!.headers[WebhookHeaders.Delivery],
      event: 'streaming.published',
      node: expect.any(String),
      time: expect.any(Number),
      payload: { channel: 'chat:hook', data: { text: 'hi' }, tags: { kind: 'note' }, offset: position!.offset, epoch: position!.epoch },
    });
  });

  it('sends each endpoint only the events it names', async () => {
    await start({
      endpoints: [
        { url: `${url}/published`, secret: SECRET, events: ['streaming.published'] },
        { url: `${url}/lifecycle`, secret: SECRET, events: ['streaming.connected', 'streaming.disconnected'] },
      ],
    });
    client = await connectedClient(sdkClient(server!.wsUrl, { token: await connectionToken('alice') }));
    await eventually(() => expect(receiver.to('/lifecycle')).toHaveLength(1));
    client.disconnect();
    await eventually(() => expect(receiver.to('/lifecycle')).toHaveLength(2));
    const events = receiver.to('/lifecycle').map((r) => JSON.parse(r.body));
    expect(events.map((e) => e.event)).toEqual(['streaming.connected', 'streaming.disconnected']);
    expect(events[1].payload).toMatchObject({ user: 'alice', code: 3000 });
    expect(receiver.to('/published')).toHaveLength(0);
  });

  it('retries a failing receiver with growing waits, the same delivery id each time', async () => {
    receiver.respond = (_path, n) => (n <= 2 ? 503 : 200);
    const { manager, deadLetters } = await start({ initialBackoff: 40 });
    await manager.publish('chat:retry', 1);
    await eventually(() => expect(receiver.requests).toHaveLength(3));
    const [a, b, c] = receiver.requests;
    expect(new Set(receiver.requests.map((r) => r.headers[WebhookHeaders.Delivery])).size).toBe(1);
    expect(receiver.requests.map((r) => r.headers[WebhookHeaders.Attempt])).toEqual(['1', '2', '3']);
    // Waits of 40 then 80 ms; a millisecond or two of clock rounding allowed.
    expect(b!.at - a!.at).toBeGreaterThanOrEqual(38);
    expect(c!.at - b!.at).toBeGreaterThanOrEqual(78);
    expect(deadLetters.list()).toEqual([]);
  });

  it('keeps a delivery that keeps failing as a dead letter, and replays it once the receiver is back', async () => {
    receiver.respond = () => 500;
    const { manager, deadLetters } = await start();
    await manager.publish('chat:dead', 'lost?');
    await eventually(() => expect(deadLetters.list()).toHaveLength(1));
    expect(receiver.requests).toHaveLength(3);
    const [letter] = deadLetters.list();
    expect(letter).toMatchObject({ url: `${url}/published`, event: 'streaming.published', attempts: 3, error: 'HTTP 500' });

    receiver.respond = () => 200;
    expect(deadLetters.replay()).toBe(1);
    await eventually(() => expect(receiver.requests).toHaveLength(4));
    const replayed = receiver.requests[3]!;
    expect(replayed.headers[WebhookHeaders.Delivery]).toBe(letter!.id);
    expect(replayed.body).toBe(letter!.body);
    expect(verifyWebhookSignature(SECRET, replayed.headers[WebhookHeaders.Timestamp] as string, replayed.body, replayed.headers[WebhookHeaders.Signature] as string)).toBe(true);
    await eventually(() => expect(deadLetters.list()).toEqual([]));
  });

  it('does not retry a receiver that refuses (4xx), and gives up on one that does not answer', async () => {
    receiver.respond = (path) => (path === '/refuses' ? 400 : 'hang');
    const { manager, deadLetters } = await start({
      endpoints: [
        { url: `${url}/refuses`, secret: SECRET, events: ['streaming.published'] },
        { url: `${url}/hangs`, secret: SECRET, events: ['streaming.published'] },
      ],
      maxAttempts: 2,
    });
    await manager.publish('chat:bad', 1);
    await eventually(() => expect(deadLetters.list()).toHaveLength(2));
    const byUrl = Object.fromEntries(deadLetters.list().map((l) => [new URL(l.url).pathname, l]));
    expect(byUrl['/refuses']).toMatchObject({ attempts: 1, error: 'HTTP 400' });
    expect(byUrl['/hangs']).toMatchObject({ attempts: 2, error: 'no answer in 300 ms' });
    expect(deadLetters.discard([byUrl['/refuses']!.id])).toBe(1);
    expect(deadLetters.list().map((l) => l.id)).toEqual([byUrl['/hangs']!.id]);
  });

  it('bounds the queue: events beyond it go straight to the dead letters', async () => {
    receiver.respond = () => 'hang';
    const { manager, deadLetters } = await start({ maxQueueSize: 2, concurrency: 1, timeout: 5000 });
    for (const n of [1, 2, 3, 4]) await manager.publish('chat:flood', n);
    expect(deadLetters.list().map((l) => [JSON.parse(l.body).payload.data, l.error])).toEqual([
      [3, 'queue full (2 deliveries waiting)'],
      [4, 'queue full (2 deliveries waiting)'],
    ]);
    await eventually(() => expect(receiver.requests).toHaveLength(1));
    receiver.release();
    await eventually(() => expect(receiver.requests).toHaveLength(2));
    receiver.release();
    receiver.respond = () => 200;
    // Until the second delivery is done the queue is still full: what it cannot take stays a dead letter.
    await eventually(() => {
      deadLetters.replay();
      expect(deadLetters.list()).toEqual([]);
    });
    await eventually(() => expect(receiver.requests.map((r) => JSON.parse(r.body).payload.data)).toEqual([1, 2, 3, 4]));
  });

  it('abandons a delivery the receiver holds when the app closes, instead of waiting out the timeout', async () => {
    receiver.respond = () => 'hang';
    const { manager } = await start({ timeout: 30_000 });
    await manager.publish('chat:closing', 1);
    await eventually(() => expect(receiver.requests).toHaveLength(1));
    await server!.close();
    server = undefined;
    await eventually(() => expect(receiver.abandoned).toBe(1));
  });
});

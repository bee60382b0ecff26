import { Centrifuge } from 'centrifuge';
import { EventSource } from 'eventsource';
import WebSocket from 'ws';
import { StreamingManager, type StreamingModuleOptions } from '../lib/index.js';
import { startApp, type TestApp } from './support/app.js';
import { once, subscribed } from './support/centrifuge-client.js';
import { eventually } from './support/eventually.js';
import { connectionToken, TEST_SECRET } from './support/tokens.js';

const options: StreamingModuleOptions = {
  auth: { jwt: { secret: TEST_SECRET } },
  namespaces: { chat: { presence: true, allowPublishForSubscriber: true, allowPresenceForSubscriber: true } },
  transports: { httpStream: true, sse: true },
};

/**
 * The official SDK with its transport fallback list and WebSocket unavailable (its endpoint is a
 * path nobody serves, so the upgrade fails): it must move on to the emulation transports, with
 * Node's fetch and ReadableStream and the `eventsource` package, and work as over a WebSocket.
 */
describe('SDK fallback to the emulation transports', () => {
  let server: TestApp;
  let manager: StreamingManager;
  const clients: Centrifuge[] = [];

  beforeAll(async () => {
    server = await startApp(options);
    manager = server.app.get(StreamingManager);
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.disconnect();
  });
  afterAll(() => server.close());

  /** `transports` maps each emulation transport to its path (`/connection/<name>` unless given). */
  async function fallbackClient(user: string, transports: Array<'http_stream' | 'sse'>, paths: Record<string, string> = {}): Promise<Centrifuge> {
    const base = server.httpUrl;
    const endpoints = [
      { transport: 'websocket' as const, endpoint: `ws://127.0.0.1:${server.port}/connection/blocked` },
      ...transports.map((transport) => ({ transport, endpoint: `${base}${paths[transport] ?? `/connection/${transport}`}` })),
    ];
    const client = new Centrifuge(endpoints, {
      websocket: WebSocket,
      eventsource: EventSource,
      fetch,
      readableStream: ReadableStream,
      emulationEndpoint: `${base}/emulation`,
      token: await connectionToken(user),
      minReconnectDelay: 50,
      maxReconnectDelay: 200,
      timeout: 3000,
    });
    clients.push(client);
    return client;
  }

  it.each([['http_stream' as const], ['sse' as const]])('connects over %s, subscribes, publishes, and receives', async (transport) => {
    const client = await fallbackClient('alice', [transport]);
    const connected = once<any>(client, 'connected');
    client.connect();
    expect((await connected).transport).toBe(transport);

    const sub = await subscribed(client, 'chat:room');
    // A command through the emulation endpoint, answered on the stream.
    const presence = await sub.presence();
    expect(Object.values(presence.clients).map((info: any) => info.user)).toEqual(['alice']);

    const fromServer = once<any>(sub, 'publication');
    await manager.publish('chat:room', { text: 'from the server' });
    expect((await fromServer).data).toEqual({ text: 'from the server' });

    const own = once<any>(sub, 'publication');
    await sub.publish({ text: 'from the client' });
    expect((await own).data).toEqual({ text: 'from the client' });
  });

  it('skips an emulation transport that fails to the next one in the list', async () => {
    // http_stream fails too: its endpoint is a path nobody serves (404).
    const client = await fallbackClient('bob', ['http_stream', 'sse'], { http_stream: '/connection/nothing' });
    const connected = once<any>(client, 'connected');
    client.connect();
    expect((await connected).transport).toBe('sse');
  });

  it('delivers a server disconnect on the stream with its code', async () => {
    const client = await fallbackClient('carol', ['http_stream']);
    const connected = once(client, 'connected');
    client.connect();
    await connected;
    const disconnected = once<any>(client, 'disconnected');
    await manager.disconnect('carol', { code: 4501, reason: 'banned' });
    expect(await disconnected).toMatchObject({ code: 4501, reason: 'banned' });
  });

  it('ends the session when the client closes its stream', async () => {
    const client = await fallbackClient('dave', ['sse']);
    const connected = once(client, 'connected');
    client.connect();
    await connected;
    await subscribed(client, 'chat:x');
    expect(manager.channels('chat:x')).toEqual({ 'chat:x': { numClients: 1 } });
    client.disconnect();
    await eventually(() => expect(manager.channels('chat:x')).toEqual({}));
  });

  it('answers pings through the emulation endpoint, so the stream outlives the pong timeout', async () => {
    const pinging = await startApp({ ...options, websocket: { pingInterval: 0.2, pongTimeout: 0.15 } });
    try {
      const pongs: string[] = [];
      const countingFetch: typeof fetch = (input, init) => {
        if (String(input).endsWith('/emulation') && JSON.parse(String(init?.body)).data === '{}') pongs.push('pong');
        return fetch(input, init);
      };
      const client = new Centrifuge([{ transport: 'sse', endpoint: `${pinging.httpUrl}/connection/sse` }], {
        eventsource: EventSource,
        fetch: countingFetch,
        emulationEndpoint: `${pinging.httpUrl}/emulation`,
        token: await connectionToken('pinged'),
        timeout: 3000,
      });
      clients.push(client);
      const disconnects: unknown[] = [];
      client.on('disconnected', (ctx) => disconnects.push(ctx));
      client.on('connecting', (ctx) => ctx.code !== 0 && disconnects.push(ctx));
      const connected = once(client, 'connected');
      client.connect();
      await connected;
      await eventually(() => expect(pongs.length).toBeGreaterThanOrEqual(3));
      expect(disconnects).toEqual([]);
      client.disconnect();
    } finally {
      await pinging.close();
    }
  });
});

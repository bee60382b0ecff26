import type { Centrifuge } from 'centrifuge';
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Backend } from '../lib/backends/backend.interface.js';
import { Node } from '../lib/engine/node.js';
import { BACKEND } from '../lib/streaming.constants.js';
import { StreamingHealthIndicator, StreamingManager, StreamingOptionsError, type StreamingModuleOptions } from '../lib/index.js';
import { drainBatches } from '../lib/engine/drain-batches.js';
import { resolveOptions } from '../lib/options/resolve-options.js';
import { startApp, type TestApp } from './support/app.js';
import { connectedClient, sdkClient, subscribed } from './support/centrifuge-client.js';
import { eventually } from './support/eventually.js';
import { upgradeOutcome } from './support/upgrade-outcome.js';

/** A TCP load balancer in front of the nodes: new connections go to `target`. */
async function balancer(target: { port: number }): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    const upstream = connect(target.port, '127.0.0.1');
    for (const s of [socket, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        socket.destroy();
        upstream.destroy();
      });
    }
    socket.pipe(upstream).pipe(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const options: StreamingModuleOptions = { auth: { anonymous: true }, channel: { allowSubscribeForAnonymous: true } };

describe('graceful drain', () => {
  let first: TestApp;
  let second: TestApp;
  let clients: Centrifuge[] = [];

  beforeEach(async () => {
    first = await startApp(options);
    second = await startApp(options);
  });
  afterEach(async () => {
    for (const client of clients) client.disconnect();
    clients = [];
    await second.close();
  });

  it('delivers every publication acknowledged before close, then sends clients with 3001 to the next node', async () => {
    const target = { port: first.port };
    const lb = await balancer(target);
    try {
      const url = `ws://127.0.0.1:${lb.port}/connection/websocket`;
      const received: Array<Array<number>> = [];
      const at3001: Array<Array<number> | undefined> = [];
      for (let i = 0; i < 3; i++) {
        const client = await connectedClient(sdkClient(url));
        clients.push(client);
        received.push([]);
        const sub = await subscribed(client, 'news');
        sub.on('publication', (ctx) => received[i]!.push(ctx.data as number));
        client.on('connecting', (ctx) => {
          if (ctx.code === 3001) at3001[i] = [...received[i]!];
        });
      }
      const manager = first.app.get(StreamingManager);
      const acknowledged: number[] = [];
      let publishing = true;
      const publisher = (async () => {
        for (let n = 0; publishing; n++) {
          await manager.publish('news', n);
          acknowledged.push(n);
          // The memory broker answers in a microtask: let the sockets have their turn.
          await new Promise((resolve) => setImmediate(resolve));
        }
      })().catch(() => undefined);
      await eventually(() => expect(acknowledged.length).toBeGreaterThan(50));

      target.port = second.port;
      const ackedBeforeClose = [...acknowledged];
      const closing = first.close();
      publishing = false;
      await closing;
      await publisher;

      for (let i = 0; i < clients.length; i++) {
        expect(at3001[i]).toBeDefined();
        expect(at3001[i]!.slice(0, ackedBeforeClose.length)).toEqual(ackedBeforeClose);
      }
      // The SDK reconnected (and resubscribed) through the balancer: to the second node.
      const secondNode = second.app.get(Node);
      await eventually(() => expect(secondNode.channels().get('news')).toBe(3));
      // The SDK sends its subscribe with the connect: the server may count it before the client read the connect reply.
      await eventually(() => {
        for (const client of clients) expect(client.state).toBe('connected');
      });
    } finally {
      await lb.close();
    }
  });

  it('refuses new connections and fails readiness while it drains, and closes the stores only after clients left presence', async () => {
    const server = await startApp({ ...options, channel: { ...options.channel, presence: true } });
    try {
      const client = await connectedClient(sdkClient(server.wsUrl));
      clients.push(client);
      await subscribed(client, 'room');
      // Holds the drain at the client's cleanup: leaving presence waits for the test's word.
      const presence = server.app.get<symbol, Backend>(BACKEND).presence;
      const remove = presence.remove.bind(presence);
      let letGo!: () => void;
      const left = new Promise<void>((resolve) => (letGo = resolve));
      let leftBeforeClose = false;
      presence.remove = async (channel, clientId, user) => {
        await left;
        await remove(channel, clientId, user);
        leftBeforeClose = true;
      };
      const close = presence.close.bind(presence);
      let closedAfterLeaving: boolean | undefined;
      presence.close = async () => {
        closedAfterLeaving = leftBeforeClose;
        await close();
      };
      const node = server.app.get(Node);
      const health = server.app.get(StreamingHealthIndicator);
      const closing = server.close();
      await eventually(() => expect(node.draining).toBe(true));
      expect((await health.isReady()).streaming).toMatchObject({ status: 'down', draining: true });
      expect(await upgradeOutcome(server.wsUrl)).toBe(503);
      letGo();
      await closing;
      expect(closedAfterLeaving).toBe(true);
    } finally {
      await first.close();
    }
  });
});

describe('drain batches', () => {
  it('disconnects a small node at once and spreads a big one over the period', () => {
    expect(drainBatches([1, 2, 3], 5000)).toEqual([{ delayMs: 0, sessions: [1, 2, 3] }]);
    const big = Array.from({ length: 250 }, (_, i) => i);
    const batches = drainBatches(big, 900);
    expect(batches.map((b) => [b.delayMs, b.sessions.length])).toEqual([
      [0, 84],
      [300, 84],
      [300, 82],
    ]);
    expect(drainBatches(big, 0)).toEqual([{ delayMs: 0, sessions: big }]);
  });

  it('takes 100 sessions in one step and 101 in two, and no more steps than one per 100 ms of the period', () => {
    const sizes = (n: number, periodMs: number) => drainBatches(Array.from({ length: n }, (_, i) => i), periodMs).map((b) => [b.delayMs, b.sessions.length]);
    expect(sizes(100, 1000)).toEqual([[0, 100]]);
    expect(sizes(101, 1000)).toEqual([
      [0, 51],
      [500, 50],
    ]);
    // 1000 sessions would take 10 steps; 250 ms allow 2.
    expect(sizes(1000, 250)).toEqual([
      [0, 500],
      [125, 500],
    ]);
    expect(drainBatches([], 1000)).toEqual([]);
  });

  it('takes a drain period of zero or more seconds', () => {
    expect(resolveOptions({}).drainPeriod).toBe(5);
    expect(() => resolveOptions({ shutdown: { drainPeriod: -1 } })).toThrow(StreamingOptionsError);
    expect(() => resolveOptions({ shutdown: { drainPeriod: -1 } })).toThrow('shutdown.drainPeriod');
    expect(() => resolveOptions({ shutdown: { grace: 1 } } as StreamingModuleOptions)).toThrow('shutdown.grace');
  });
});


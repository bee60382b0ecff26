import type { Server } from 'node:http';
import { StreamingManager } from '../../lib/index.js';
import { startApp, type TestApp } from '../support/app.js';
import { RawClient } from '../support/raw-client.js';

const PAUSED = 100;
const READERS = 5;
const BUDGET = 16 * 1024 * 1024;
const PUBLICATIONS = 200;
const CHANNEL = 'feed';

async function subscriber(server: TestApp): Promise<RawClient> {
  const raw = await RawClient.open(server.wsUrl);
  raw.command({ id: 1, connect: {} });
  raw.command({ id: 2, subscribe: { channel: CHANNEL } });
  await raw.reply(2);
  return raw;
}

function openSockets(server: TestApp): Promise<number> {
  const http = server.app.getHttpServer() as Server;
  return new Promise((resolve, reject) => http.getConnections((err, count) => (err ? reject(err) : resolve(count))));
}

/** A node-wide budget for queued bytes (issue 13, 5). */
describe('slow consumers', () => {
  it(`${PAUSED} paused readers stay under the node's budget, are cut and destroyed promptly; readers get everything`, async () => {
    const server = await startApp({
      auth: { anonymous: true },
      channel: { allowSubscribeForAnonymous: true },
      websocket: { maxQueueSize: 4 * 1024 * 1024, closeTimeout: 0.2 },
      limits: { maxQueuedBytes: BUDGET },
    });
    const paused: RawClient[] = [];
    const readers: RawClient[] = [];
    try {
      for (let i = 0; i < PAUSED; i++) paused.push(await subscriber(server));
      for (let i = 0; i < READERS; i++) readers.push(await subscriber(server));
      // They stop reading: the kernel's buffers fill (a few MB per socket on loopback), then the server's queue.
      for (const raw of paused) raw.ws.pause();

      const manager = server.app.get(StreamingManager);
      const payload = 'x'.repeat(32 * 1024);
      let highest = 0;
      for (let i = 0; i < PUBLICATIONS; i++) {
        await manager.publish(CHANNEL, { i, payload });
        await new Promise((resolve) => setImmediate(resolve));
        highest = Math.max(highest, manager.stats().queuedBytes);
      }
      expect(highest).toBeLessThanOrEqual(BUDGET);
      expect(highest).toBeGreaterThan(0);
      for (const raw of readers) {
        await raw.waitFor(() => raw.messages.filter((m) => m.push?.pub).length === PUBLICATIONS, 10_000);
        expect(raw.messages.filter((m) => m.push?.pub).map((m) => m.push.pub.data.i)).toEqual([...Array(PUBLICATIONS).keys()]);
      }
      // Some paused readers were cut (3008), most of them: what is left fits the budget beside the kernel's buffers.
      const remaining = manager.stats().numClients;
      expect(remaining).toBeLessThan(READERS + PAUSED / 2);
      // Their sockets do not linger with their backlog for ws's 30 s close handshake: they are destroyed.
      const deadline = Date.now() + 3000;
      while ((await openSockets(server)) > remaining && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await openSockets(server)).toBe(remaining);
    } finally {
      for (const raw of [...paused, ...readers]) raw.ws.terminate();
      await server.close();
    }
  }, 30_000);

  it('a client that stops answering pings is closed with 3012 and its socket destroyed, not kept for the close handshake', async () => {
    const server = await startApp({
      auth: { anonymous: true },
      channel: { allowSubscribeForAnonymous: true },
      websocket: { pingInterval: 0.2, pongTimeout: 0.2, closeTimeout: 0.2 },
    });
    try {
      const stalled = await subscriber(server);
      // Paused, it neither answers the ping nor the close frame: ws alone would wait 30 s for it.
      stalled.ws.pause();
      const manager = server.app.get(StreamingManager);
      const deadline = Date.now() + 3000;
      while ((await openSockets(server)) > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await openSockets(server)).toBe(0);
      expect(manager.stats().numClients).toBe(0);
      stalled.ws.resume();
      // The close frame had reached the kernel before the socket was destroyed.
      expect(await stalled.closeCode()).toBe(3012);
    } finally {
      await server.close();
    }
  });
});

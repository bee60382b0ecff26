import type { Socket } from 'node:net';
import { StreamingManager } from '../lib/index.js';
import { startApp, type TestApp } from './support/app.js';
import { RawClient } from './support/raw-client.js';
import { connectionToken, TEST_SECRET } from './support/tokens.js';

/** A server ping, and the client's pong, are empty JSON objects. */
const isPing = (m: object) => Object.keys(m).length === 0;

/** Keep-alive (ping, pong, 3012) and the slow consumer (3008), over bare sockets the test controls. */
describe('keep-alive and slow consumers', () => {
  const sockets: RawClient[] = [];

  async function connected(server: TestApp, user: string): Promise<RawClient> {
    const c = await RawClient.connected(server.wsUrl, await connectionToken(user));
    sockets.push(c);
    return c;
  }

  afterEach(() => {
    for (const c of sockets.splice(0)) c.ws.terminate();
  });

  describe('pings', () => {
    let server: TestApp;

    beforeAll(async () => {
      server = await startApp({
        auth: { jwt: { secret: TEST_SECRET } },
        // A pong timeout with room for a loaded machine; one command per second, for the connection and
        // for the user, so both buckets are empty after connect.
        websocket: { pingInterval: 0.2, pongTimeout: 2 },
        limits: { commandsPerSecond: 1, commandBurst: 1, userCommandsPerSecond: 1, userCommandBurst: 1, maxRefusedCommands: 100 },
      });
    });

    afterAll(async () => {
      await server.close();
    });

    it('announces the ping interval and closes a client that does not answer a ping with 3012', async () => {
      const c = await RawClient.open(server.wsUrl);
      sockets.push(c);
      c.command({ id: 1, connect: { token: await connectionToken('quiet') } });
      expect((await c.reply(1)).connect).toMatchObject({ ping: 0.2, pong: true });
      await c.waitFor(isPing);
      expect(await c.closeCode(5000)).toBe(3012);
    });

    it("does not count pongs against the command rates, the connection's or the user's: a client over its rate still keeps the connection by answering pings", async () => {
      const c = await connected(server, 'busy');
      for (let n = 1; n <= 3; n++) {
        await c.waitFor(() => c.messages.filter(isPing).length === n);
        // The bucket is empty (or its one token goes to this rpc): a pong counted as a command would be dropped.
        c.command({ id: 10 + n, rpc: { method: 'anything' } });
        c.send('{}');
        await c.reply(10 + n);
      }
      expect(c.messages.some((m) => m.error?.code === 111)).toBe(true);
      await c.waitFor(() => c.messages.filter(isPing).length === 4);
    });
  });

  describe('slow consumer', () => {
    let server: TestApp;
    let manager: StreamingManager;

    beforeAll(async () => {
      server = await startApp({
        auth: { jwt: { secret: TEST_SECRET } },
        namespaces: { bulk: {} },
        websocket: { maxQueueSize: 64 * 1024, pingInterval: 0 },
      });
      manager = server.app.get(StreamingManager);
    });

    afterAll(async () => {
      await server.close();
    });

    it('closes a client that stops reading with 3008 once its queue is over maxQueueSize, and keeps serving a reading one', async () => {
      const reader = await connected(server, 'reader');
      const stalled = await connected(server, 'stalled');
      for (const c of [reader, stalled]) {
        c.command({ id: 2, subscribe: { channel: 'bulk:a' } });
        await c.reply(2);
      }
      // A real socket that stops reading: the kernel buffers fill, then the server's send buffer grows.
      const tcp = (stalled.ws as unknown as { _socket: Socket })._socket;
      tcp.pause();
      const payload = 'x'.repeat(256 * 1024);
      const deadline = Date.now() + 15_000;
      let n = 0;
      while (manager.stats().numClients === 2) {
        if (Date.now() > deadline) throw new Error(`still connected after ${n} publications of 256 KiB`);
        await manager.publish('bulk:a', { n: n++, payload });
        await new Promise((resolve) => setImmediate(resolve));
      }
      tcp.resume();
      expect(await stalled.closeCode(10_000)).toBe(3008);
      await manager.publish('bulk:a', { n: 'last' });
      await reader.waitFor((m) => m.push?.pub?.data.n === 'last', 10_000);
    }, 30_000);
  });
});

import { StreamingManager } from '../../lib/index.js';
import { startApp, type TestApp } from '../support/app.js';
import { RawClient } from '../support/raw-client.js';

const CHANNEL = 'room';
const PAYLOAD = 'x'.repeat(64 * 1024);
const READERS = 3;
// Loopback kernel buffers take several MB before the server's own queue grows: enough rounds for that.
const MAX_ROUNDS = 1500;

const subscriber = (server: TestApp) => RawClient.subscriber(server.wsUrl, { channel: CHANNEL, join_leave: true });

/** One subscriber that stops reading and READERS that keep reading, all in `clients` for cleanup. */
async function pausedAndReaders(server: TestApp, clients: RawClient[]) {
  const paused = await subscriber(server);
  clients.push(paused);
  const readers: RawClient[] = [];
  for (let i = 0; i < READERS; i++) readers.push(await subscriber(server));
  clients.push(...readers);
  paused.ws.pause();
  return { paused, readers };
}

const publications = (raw: RawClient, kind: string) =>
  raw.messages.filter((m) => m.push?.pub?.data.kind === kind).map((m) => m.push.pub.data.i as number);

function start(websocket: { maxQueueSize: number }, lowPriorityQueueSize: number) {
  return startApp({
    auth: { anonymous: true },
    channel: { allowSubscribeForAnonymous: true, joinLeave: true, presence: true, allowPresenceForSubscriber: true },
    websocket: { ...websocket, closeTimeout: 0.2 },
    delivery: { lowPriorityQueueSize },
    limits: { maxQueuedBytes: 0 },
  });
}

/** Priorities under backpressure (issue 11): low goes first, high never, then the reader is cut. */
describe('priorities and backpressure', () => {
  it('drops only ephemeral messages for a backed-up reader, counts them, and keeps replies, join/leave and publications', async () => {
    const server = await start({ maxQueueSize: 64 * 1024 * 1024 }, 512 * 1024);
    const clients: RawClient[] = [];
    try {
      const manager = server.app.get(StreamingManager);
      const { paused, readers } = await pausedAndReaders(server, clients);

      let round = 0;
      const publishRound = async () => {
        await manager.publish(CHANNEL, { kind: 'normal', i: round, payload: PAYLOAD });
        await manager.publish(CHANNEL, { kind: 'ephemeral', i: round }, { ephemeral: true });
        const i = round++;
        for (const r of readers) await r.waitFor((m) => m.push?.pub?.data.kind === 'ephemeral' && m.push.pub.data.i === i, 5000);
      };
      while (manager.stats().droppedMessages === 0) {
        if (round === MAX_ROUNDS) throw new Error(`no ephemeral message dropped after ${round} rounds`);
        await publishRound();
      }
      // Backed up: high-priority traffic for the paused reader still goes out, and more ephemerals are dropped.
      paused.command({ id: 3, presence: { channel: CHANNEL } });
      const joiner = await subscriber(server);
      clients.push(joiner);
      for (let i = 0; i < 5; i++) await publishRound();
      await joiner.waitFor((m) => m.push?.pub?.data.i === round - 1);
      joiner.close();

      expect(manager.stats().numClients).toBe(READERS + 2);
      paused.ws.resume();
      await paused.waitFor((m) => m.push?.pub?.data.kind === 'normal' && m.push.pub.data.i === round - 1, 20_000);
      await paused.waitFor((m) => m.push?.leave !== undefined, 5000);
      expect(await paused.reply(3)).toMatchObject({ presence: { presence: expect.any(Object) } });
      expect(paused.messages.some((m) => m.push?.join !== undefined)).toBe(true);

      const all = [...Array(round).keys()];
      expect(publications(paused, 'normal')).toEqual(all);
      const ephemeral = publications(paused, 'ephemeral');
      expect(ephemeral.length).toBeLessThan(round - 5);
      // Every ephemeral message the paused reader missed was counted, and nothing else.
      expect(manager.stats().droppedMessages).toBe(round - ephemeral.length);
      for (const r of readers) {
        expect(publications(r, 'normal')).toEqual(all);
        expect(publications(r, 'ephemeral')).toEqual(all);
      }
    } finally {
      for (const c of clients) c.ws.terminate();
      await server.close();
    }
  }, 60_000);

  it('cuts a reader whose queue passes maxQueueSize with 3008 while the others receive everything', async () => {
    const server = await start({ maxQueueSize: 1024 * 1024 }, 256 * 1024);
    const clients: RawClient[] = [];
    try {
      const manager = server.app.get(StreamingManager);
      const { paused, readers } = await pausedAndReaders(server, clients);
      let sent = 0;
      while (manager.stats().numClients === READERS + 1) {
        if (sent === MAX_ROUNDS) throw new Error(`the paused reader was not cut after ${sent} publications`);
        const i = sent++;
        await manager.publish(CHANNEL, { kind: 'normal', i, payload: PAYLOAD });
        for (const r of readers) await r.waitFor((m) => m.push?.pub?.data.i === i, 5000);
      }
      paused.ws.resume();
      expect(await paused.closeCode()).toBe(3008);
      for (let i = sent; i < sent + 10; i++) await manager.publish(CHANNEL, { kind: 'normal', i, payload: 'after' });
      for (const r of readers) {
        await r.waitFor((m) => m.push?.pub?.data.i === sent + 9);
        expect(publications(r, 'normal')).toEqual([...Array(sent + 10).keys()]);
      }
    } finally {
      for (const c of clients) c.ws.terminate();
      await server.close();
    }
  }, 60_000);
});

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { MemoryHistoryStore } from '../../lib/backends/memory/memory-history-store.js';
import { startApp } from '../support/app.js';
import { RawClient } from '../support/raw-client.js';

setFlagsFromString('--expose-gc');
/** V8's gc(), exposed at run time: jest's process is not started with --expose-gc. */
const gc = runInNewContext('gc') as () => void;

function heapAfterGc(): number {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

const CHANNELS = 20_000;
const BATCH = 100;

/** Channel state is freed (issue 13, 2). */
describe('channel state', () => {
  it(`${CHANNELS} distinct channels subscribed and left leave the heap near its baseline`, async () => {
    const server = await startApp({
      auth: { anonymous: true },
      // Positioned subscriptions: each subscribe asks the history store for the stream's position.
      channel: { historySize: 10, historyTtl: 60, forceRecovery: true, allowSubscribeForAnonymous: true },
      limits: { commandsPerSecond: 0 },
    });
    const raw = await RawClient.open(server.wsUrl);
    try {
      raw.command({ id: 1, connect: {} });
      await raw.reply(1);
      let id = 2;
      const round = async (first: number) => {
        const names = Array.from({ length: BATCH }, (_, i) => `room-${first + i}`);
        const subscribes = names.map((channel) => ({ id: id++, subscribe: { channel } }));
        raw.send(subscribes.map((c) => JSON.stringify(c)).join('\n'));
        await raw.reply(subscribes.at(-1)!.id);
        const unsubscribes = names.map((channel) => ({ id: id++, unsubscribe: { channel } }));
        raw.send(unsubscribes.map((c) => JSON.stringify(c)).join('\n'));
        await raw.reply(unsubscribes.at(-1)!.id);
        raw.messages.length = 0;
      };
      // A first round warms up code paths and caches that are not per channel.
      await round(-BATCH);
      const baseline = heapAfterGc();
      for (let first = 0; first < CHANNELS; first += BATCH) await round(first);
      const grown = heapAfterGc() - baseline;
      // Kept streams cost ~190 bytes each (3.8 MB for 20,000); what is left must be noise.
      expect(grown).toBeLessThan(1_000_000);
    } finally {
      raw.close();
      await server.close();
    }
    // 40,000 commands through the whole engine: seconds on an idle machine, more under CI's extra load.
  }, 90_000);

  it('maxChannels caps the channels a node tracks: a new one answers 106, a tracked one still admits', async () => {
    const server = await startApp({
      auth: { anonymous: true },
      channel: { allowSubscribeForAnonymous: true },
      limits: { maxChannels: 3 },
    });
    const [a, b] = [await RawClient.open(server.wsUrl), await RawClient.open(server.wsUrl)];
    try {
      for (const raw of [a, b]) raw.command({ id: 1, connect: {} });
      for (const [id, channel] of ['one', 'two', 'three', 'four'].entries()) a.command({ id: id + 2, subscribe: { channel } });
      expect((await a.reply(4)).subscribe).toBeDefined();
      expect((await a.reply(5)).error.code).toBe(106);
      b.command({ id: 2, subscribe: { channel: 'one' } });
      expect((await b.reply(2)).subscribe).toBeDefined();
      // Leaving frees the slot.
      a.command({ id: 6, unsubscribe: { channel: 'two' } });
      a.command({ id: 7, subscribe: { channel: 'four' } });
      expect((await a.reply(7)).subscribe).toBeDefined();
    } finally {
      a.close();
      b.close();
      await server.close();
    }
  });

  it('sweeps streams past their meta TTL a bounded batch at a time', async () => {
    let now = 1_000_000;
    const store = new MemoryHistoryStore(() => now);
    try {
      const history = { size: 10, ttl: 60, metaTtl: 120 };
      for (let i = 0; i < 25_000; i++) store.appendSync(`ch-${i}`, { data: i }, history);
      now += 119_000;
      store.sweep();
      expect(store.size).toBe(25_000);
      now += 1_000;
      store.sweep();
      expect(store.size).toBe(15_000);
      store.sweep();
      store.sweep();
      expect(store.size).toBe(0);
    } finally {
      await store.close();
    }
  });
});

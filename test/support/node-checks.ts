import type { Centrifuge, PublicationContext } from 'centrifuge';
import type { FixtureProcess } from '../fixtures/fixture-process.js';
import { collect, subscribed } from './centrifuge-client.js';
import { eventually } from './eventually.js';
import { FailoverTraffic, type TrafficOutcome } from './failover-traffic.js';
import { api } from './node-api.js';

/**
 * Two nodes on one Redis system behave as one server: publications from either reach both in one
 * order, once, with the offsets history holds; presence counts the clients of both.
 */
export async function crossNodeSmoke(a: FixtureProcess, b: FixtureProcess, client: (node: FixtureProcess, user: string) => Promise<Centrifuge>): Promise<void> {
  const subA = await subscribed(await client(a, 'alice'), 'chat:smoke');
  const subB = await subscribed(await client(b, 'bob'), 'chat:smoke');
  const gotA = collect<PublicationContext>(subA, 'publication', 20);
  const gotB = collect<PublicationContext>(subB, 'publication', 20);
  for (let n = 0; n < 10; n++) {
    await subA.publish({ n: `a${n}` });
    await api(b, 'publish', { channel: 'chat:smoke', data: { n: `b${n}` } });
  }
  const [onA, onB] = await Promise.all([gotA, gotB]);
  expect(onA.map((p) => p.data.n)).toEqual(onB.map((p) => p.data.n));
  expect(onA.map((p) => p.offset)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  const history = await api(b, 'history', { channel: 'chat:smoke', limit: -1 });
  expect(history.publications.map((p: { data: { n: string } }) => p.data.n)).toEqual(onA.map((p) => p.data.n));
  await eventually(async () => expect(await api(a, 'presence_stats', { channel: 'chat:smoke' })).toEqual({ num_clients: 2, num_users: 2 }));
}

/**
 * Traffic on both nodes through `fault` (a master killed, another taking over): no node crashes,
 * writers are refused with 100 (or cut, 11) and go on, and every reader ends with every
 * publication history holds after the fault, once, in history's order. An acknowledged
 * publication history lost (replication is asynchronous: the dead master may have acknowledged
 * writes its replica never got) is in the outcome, for the caller to measure.
 */
export async function survivesFailover(nodes: FixtureProcess[], channel: string, fault: () => Promise<void>): Promise<TrafficOutcome & { faultMs: number }> {
  const traffic = await FailoverTraffic.start(nodes, channel);
  try {
    await traffic.more(20);
    const start = Date.now();
    await fault();
    const faultMs = Date.now() - start;
    await traffic.more(20, 20_000);
    const outcome = await traffic.stop();
    const expected = outcome.history.map((p) => p.id);
    const held = new Set(expected);
    for (const reader of outcome.readers) {
      const ids = () => reader.received.map((p) => p.id);
      // (With the reader's interruptions beside, should some be missing.)
      await eventually(() => expect({ missing: expected.filter((id) => !ids().includes(id)), interruptions: reader.interruptions }).toEqual({ missing: [], interruptions: reader.interruptions }), 15_000);
      const order = ids().filter((id) => held.has(id));
      expect({ order, interruptions: reader.interruptions }).toEqual({ order: expected, interruptions: reader.interruptions });
      expect(new Set(ids()).size).toBe(reader.received.length);
    }
    expect(outcome.refusals.filter((code) => code !== 100 && code !== 11)).toEqual([]);
    // Every node still answers.
    await Promise.all(nodes.map((node) => api(node, 'info', {})));
    return { ...outcome, faultMs };
  } finally {
    traffic.close();
  }
}

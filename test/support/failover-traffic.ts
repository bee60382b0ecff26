import type { Centrifuge, PublicationContext } from 'centrifuge';
import type { FixtureProcess } from '../fixtures/fixture-process.js';
import { connectedClient, sdkClient, subscribed } from './centrifuge-client.js';
import { eventually } from './eventually.js';
import { api } from './node-api.js';
import { connectionToken } from './tokens.js';

/** Between two publications of a writer, whatever the outcome of the first. */
const WRITER_INTERVAL_MS = 20;

/** What one reader got: the publications' ids and offsets, in the order delivered, and its subscription's interruptions. */
interface Reader {
  received: Array<{ id: string; offset: number }>;
  /** `subscribing <code> after <offset>` when the subscription went (1: the connection closed), `recovered`/`not recovered at <offset> (<epoch>)` when back. */
  interruptions: string[];
}

/** What the traffic did once stopped, and what history held after it. */
export interface TrafficOutcome {
  /** Ids the nodes acknowledged to the writers, each writer's in its order. */
  acknowledged: string[];
  /** The error codes of refused publishes (each retried with a new publication). */
  refusals: number[];
  readers: Reader[];
  /** The channel's history after the traffic, oldest first. */
  history: Array<{ id: string; offset: number }>;
  /** Acknowledged ids history no longer holds: writes a master acknowledged and died before replicating. */
  lost: string[];
}

/**
 * A writer and a reader (official SDK clients) on each node, on one channel with history; each
 * writer publishes without pause and, refused (error 100 while Redis fails over, or cut by a
 * reconnect), goes on with the next publication as an SDK caller retrying would.
 */
export class FailoverTraffic {
  private readonly clients: Centrifuge[] = [];
  private readonly readers: Reader[] = [];
  private readonly acknowledged: string[] = [];
  /** Publications acknowledged to each writer. */
  private readonly counts: number[] = [];
  private readonly refusals: number[] = [];
  private writers: Array<Promise<void>> = [];
  private running = true;

  private constructor(
    private readonly nodes: FixtureProcess[],
    private readonly channel: string,
  ) {}

  static async start(nodes: FixtureProcess[], channel: string): Promise<FailoverTraffic> {
    const traffic = new FailoverTraffic(nodes, channel);
    const names = nodes.map((_, i) => String.fromCharCode(97 + i));
    // Every reader first: a publication before a reader subscribed is not the reader's to get.
    await Promise.all(nodes.map((node, i) => traffic.read(node, names[i]!)));
    await Promise.all(nodes.map((node, i) => traffic.write(node, names[i]!)));
    return traffic;
  }

  private async client(node: FixtureProcess, user: string): Promise<Centrifuge> {
    const client = sdkClient(node.url, { token: await connectionToken(user) });
    this.clients.push(client);
    return connectedClient(client);
  }

  private async read(node: FixtureProcess, name: string): Promise<void> {
    const reader: Reader = { received: [], interruptions: [] };
    this.readers.push(reader);
    const sub = await subscribed(await this.client(node, `reader-${name}`), this.channel);
    sub.on('publication', (ctx: PublicationContext) => reader.received.push({ id: ctx.data.id, offset: ctx.offset! }));
    const last = () => reader.received.at(-1)?.offset ?? 0;
    sub.on('subscribing', (ctx) => reader.interruptions.push(`subscribing ${ctx.code} after ${last()} (${(sub as unknown as { _epoch: string })._epoch})`));
    sub.on('subscribed', (ctx) => reader.interruptions.push(`${ctx.recovered ? 'recovered' : 'not recovered'} at ${ctx.streamPosition?.offset} (${ctx.streamPosition?.epoch})`));
  }

  private async write(node: FixtureProcess, name: string): Promise<void> {
    const pub = await subscribed(await this.client(node, `writer-${name}`), this.channel);
    const writer = this.counts.push(0) - 1;
    this.writers.push(
      (async () => {
        for (let n = 0; this.running; n++) {
          try {
            await pub.publish({ id: `${name}${n}` });
            this.acknowledged.push(`${name}${n}`);
            this.counts[writer]!++;
          } catch (err) {
            this.refusals.push((err as { code: number }).code);
          }
          // The writer's pace, 50 publications a second at most, and its backoff after a refusal
          // (not a wait for some state): under the command rate limit (100/s), so the only
          // refusals are the failover's. Unpaced, an idle machine's writer ran into 111.
          await new Promise((resolve) => setTimeout(resolve, WRITER_INTERVAL_MS));
        }
      })(),
    );
  }

  /** Resolves once every writer (every node) got `count` more publications acknowledged than when called. */
  async more(count: number, ms = 10_000): Promise<void> {
    const targets = this.counts.map((n) => n + count);
    await eventually(() => expect(this.counts.every((n, i) => n >= targets[i]!)).toBe(true), ms);
  }

  /** Stops the writers and tells the outcome, with what history holds then. */
  async stop(): Promise<TrafficOutcome> {
    this.running = false;
    await Promise.all(this.writers);
    const page = (await api(this.nodes[0]!, 'history', { channel: this.channel, limit: -1 })) as { publications: Array<{ data: { id: string }; offset: number }> };
    const history = page.publications.map((p) => ({ id: p.data.id, offset: p.offset }));
    const held = new Set(history.map((p) => p.id));
    return {
      acknowledged: [...this.acknowledged],
      refusals: [...this.refusals],
      readers: this.readers,
      history,
      lost: this.acknowledged.filter((id) => !held.has(id)),
    };
  }

  close(): void {
    this.running = false;
    for (const client of this.clients.splice(0)) client.disconnect();
  }
}

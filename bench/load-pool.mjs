// The subscribers of one scenario, split across several load processes so that reading the
// deliveries does not cap what the server is measured at; each process reports its busy share of a core.
import { fileURLToPath } from 'node:url';
import { Child } from './child.mjs';

const LOAD_SCRIPT = fileURLToPath(new URL('./clients/load.mjs', import.meta.url));
// Descriptors a process holds besides its sockets (stdio, IPC, the event loop's own).
const SPARE_FILES = 64;

export class LoadPool {
  /** `spec` as bench/clients/load.mjs takes it, without `count` and `first`; `count` clients over `processes`. */
  static async start(spec, count, processes) {
    const n = Math.max(1, Math.min(processes, count));
    const children = Array.from({ length: n }, (_, i) => {
      const first = Math.floor((i * count) / n);
      const share = Math.floor(((i + 1) * count) / n) - first;
      const arg = JSON.stringify({ ...spec, first, count: share });
      return new Child(LOAD_SCRIPT, [arg], [], { nofile: share + SPARE_FILES });
    });
    const pool = new LoadPool(children);
    try {
      pool.ready = await Promise.all(children.map((child) => child.next('ready', 600_000)));
    } catch (err) {
      await pool.stop();
      throw err;
    }
    return pool;
  }

  constructor(children) {
    this.children = children;
  }

  /** Milliseconds the slowest process took to connect and subscribe all its clients. */
  get connectMs() {
    return Math.max(...this.ready.map((r) => r.connectMs));
  }

  async reset() {
    await Promise.all(this.children.map((child) => child.request({ type: 'reset' }, 'reset')));
  }

  /**
   * Resolves once every subscriber of the bench channel has `perClient` messages since the reset,
   * but those the server closed (`dropped`, counted since the start).
   */
  async waitFor(perClient, ms) {
    const answers = await Promise.all(this.children.map((child) => child.request({ type: 'waitFor', perClient }, 'reached', ms)));
    return { received: sum(answers.map((a) => a.received)), dropped: sum(answers.map((a) => a.dropped)), busy: Math.max(...answers.map((a) => a.busy)) };
  }

  /** Latency samples of all processes since the reset, sorted, the busiest process's share of a core, `dropped`. */
  async stats() {
    const answers = await Promise.all(this.children.map((child) => child.request({ type: 'stats' }, 'stats')));
    const all = new Float64Array(sum(answers.map((a) => a.samples.length)));
    let at = 0;
    for (const { samples } of answers) {
      all.set(samples, at);
      at += samples.length;
    }
    all.sort();
    return { sorted: all, dropped: sum(answers.map((a) => a.dropped)), busy: Math.max(...answers.map((a) => a.busy)) };
  }

  async stop() {
    await Promise.all(this.children.map((child) => child.stop()));
  }
}

const sum = (values) => values.reduce((a, b) => a + b, 0);

export function percentile(sorted, p) {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

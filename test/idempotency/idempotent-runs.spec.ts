import { Logger } from '@nestjs/common';
import { MemoryIdempotencyStore } from '../../lib/backends/memory/memory-idempotency-store.js';
import type { IdempotencyStore } from '../../lib/idempotency/idempotency-store.interface.js';
import { IdempotentRuns } from '../../lib/idempotency/idempotent-runs.js';
import { CapturingLogger } from '../support/capturing-logger.js';

/** Two `IdempotentRuns` over one store stand for two nodes over a shared backend. */
describe('IdempotentRuns', () => {
  let store: MemoryIdempotencyStore;
  let runs: number;
  const logger = new Logger('test');
  const op = (value: number) => async () => {
    runs++;
    return value;
  };

  beforeEach(() => {
    store = new MemoryIdempotencyStore();
    runs = 0;
  });
  afterEach(() => store.close());

  it('answers a repeat with the first result without running it, and a new key runs', async () => {
    const node = new IdempotentRuns<number>(store, 60, logger);
    expect(await node.run('k', op(1))).toBe(1);
    expect(await node.run('k', op(2))).toBe(1);
    expect(await node.run('other', op(3))).toBe(3);
    expect(runs).toBe(2);
  });

  it('lets a concurrent repeat on the same node join the run under way', async () => {
    const node = new IdempotentRuns<number>(store, 60, logger);
    let finish!: (v: number) => void;
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const first = node.run('k', () => {
      started();
      return new Promise<number>((resolve) => (finish = resolve));
    });
    const second = node.run('k', op(2));
    await running;
    finish(7);
    expect(await Promise.all([first, second])).toEqual([7, 7]);
    expect(runs).toBe(0);
  });

  it('makes a repeat on another node wait for the run under way and answer its result', async () => {
    const a = new IdempotentRuns<number>(store, 60, logger);
    const b = new IdempotentRuns<number>(store, 60, logger);
    let finish!: (v: number) => void;
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const first = a.run('k', () => {
      started();
      return new Promise<number>((resolve) => (finish = resolve));
    });
    await running;
    const second = b.run('k', op(2));
    // b is polling: it must not have run, and must still be waiting.
    let settled = false;
    void second.then(() => (settled = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    finish(7);
    expect(await Promise.all([first, second])).toEqual([7, 7]);
    expect(runs).toBe(0);
  });

  it('forgets a failed run, so its retry runs, on this node or another', async () => {
    const a = new IdempotentRuns<number>(store, 60, logger);
    const b = new IdempotentRuns<number>(store, 60, logger);
    await expect(a.run('k', () => Promise.reject(new Error('store down')))).rejects.toThrow('store down');
    expect(await b.run('k', op(5))).toBe(5);
    expect(await a.run('k', op(6))).toBe(5);
  });

  it('keeps undefined results as such', async () => {
    const node = new IdempotentRuns<number | undefined>(store, 60, logger);
    expect(await node.run('k', async () => undefined)).toBeUndefined();
    expect(await new IdempotentRuns<number | undefined>(store, 60, logger).run('k', op(1))).toBeUndefined();
  });

  it('answers the result even when the store fails to keep it, with a warning', async () => {
    const capturing = new CapturingLogger();
    const failing: IdempotencyStore = {
      claim: (k, t) => store.claim(k, t),
      abandon: (k) => store.abandon(k),
      close: () => store.close(),
      complete: () => Promise.reject(new Error('gone')),
    };
    const node = new IdempotentRuns<number>(failing, 60, capturing);
    expect(await node.run('k', op(4))).toBe(4);
    expect(capturing.about('could not record the result of idempotency key k: gone').map((l) => l.level)).toEqual(['warn']);
  });
});

import { jest } from '@jest/globals';
import { MemoryIdempotencyStore } from '../../lib/backends/memory/memory-idempotency-store.js';
import { MemoryLimitStore } from '../../lib/backends/memory/memory-limit-store.js';
import { idempotencyStoreContract } from './idempotency-store.contract.js';
import { limitStoreContract } from './limit-store.contract.js';

limitStoreContract('MemoryLimitStore', () => new MemoryLimitStore());
idempotencyStoreContract('MemoryIdempotencyStore', () => new MemoryIdempotencyStore());

describe('memory counters on a clock the test moves', () => {
  let now = 0;
  const clock = () => now;

  beforeEach(() => {
    now = 1_000_000;
    jest.useFakeTimers({ doNotFake: ['Date', 'performance', 'nextTick', 'queueMicrotask', 'setImmediate'] });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('forgets refilled buckets and lapsed leases on its prune pass, and counts afresh after', async () => {
    const store = new MemoryLimitStore(clock);
    expect(await store.take('k', 1, 1)).toBe(true);
    expect(await store.acquire('set', 'a', 1, 5)).toBe(true);
    now += 10_000;
    jest.advanceTimersByTime(10_000);
    const internals = store as unknown as { buckets: Map<string, unknown>; leases: Map<string, unknown> };
    expect(internals.buckets.size).toBe(0);
    expect(internals.leases.size).toBe(0);
    expect(await store.acquire('set', 'b', 1, 5)).toBe(true);
    await store.close();
  });

  it('evicts the oldest idempotency keys first once expired', async () => {
    const store = new MemoryIdempotencyStore(clock);
    await store.claim('old', 10);
    await store.complete('old', 1, 10);
    await store.claim('young', 100);
    await store.complete('young', 2, 100);
    now += 50_000;
    await store.claim('trigger', 10);
    const entries = (store as unknown as { entries: Map<string, unknown> }).entries;
    expect([...entries.keys()]).toEqual(['young', 'trigger']);
    await store.close();
  });
});

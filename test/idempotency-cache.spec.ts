import { IdempotencyCache } from '../lib/engine/idempotency-cache.js';

describe('IdempotencyCache', () => {
  let now: number;
  let cache: IdempotencyCache<number>;
  let runs: number;
  const op = (value: number) => () => {
    runs++;
    return Promise.resolve(value);
  };

  beforeEach(() => {
    now = 1_000_000;
    runs = 0;
    cache = new IdempotencyCache(1000, () => now);
  });

  it('answers a repeat within the window with the first result, without running it', async () => {
    expect(await cache.run('k', op(1))).toBe(1);
    now += 999;
    expect(await cache.run('k', op(2))).toBe(1);
    expect(runs).toBe(1);
  });

  it('runs again once the window is over', async () => {
    await cache.run('k', op(1));
    now += 1000;
    expect(await cache.run('k', op(2))).toBe(2);
    expect(runs).toBe(2);
  });

  it('lets a concurrent repeat join the running call', async () => {
    let finish!: (v: number) => void;
    const first = cache.run('k', () => new Promise<number>((resolve) => (finish = resolve)));
    const second = cache.run('k', op(2));
    finish(7);
    expect(await Promise.all([first, second])).toEqual([7, 7]);
    expect(runs).toBe(0);
  });

  it('forgets a failed call, so its retry runs', async () => {
    await expect(cache.run('k', () => Promise.reject(new Error('backend down')))).rejects.toThrow('backend down');
    expect(await cache.run('k', op(3))).toBe(3);
  });

  it('keeps keys apart', async () => {
    await cache.run('a', op(1));
    expect(await cache.run('b', op(2))).toBe(2);
  });
});

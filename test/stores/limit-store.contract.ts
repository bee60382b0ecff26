import type { LimitStore } from '../../lib/limits/limit-store.interface.js';
import { eventually } from '../support/eventually.js';

/**
 * What every `LimitStore` must do, run against each implementation. `store()` gives a fresh
 * store for the test (closed by the contract); keys are unique per test, so a shared server is fine.
 */
export function limitStoreContract(name: string, store: () => LimitStore | Promise<LimitStore>): void {
  describe(`${name} (LimitStore contract)`, () => {
    let s: LimitStore;
    let n = 0;
    const key = (what: string) => `${what}-${process.pid}-${Date.now()}-${n++}`;

    beforeEach(async () => {
      s = await store();
    });
    afterEach(async () => {
      await s.close();
    });

    it('takes a burst of tokens, refuses the next, and refills at the rate', async () => {
      const bucket = key('bucket');
      const taken = [];
      for (let i = 0; i < 4; i++) taken.push(await s.take(bucket, 5, 3));
      expect(taken).toEqual([true, true, true, false]);
      // At 5 a second a token is back within 200 ms.
      await eventually(async () => expect(await s.take(bucket, 5, 3)).toBe(true), 2000);
    });

    it('keeps one bucket per key', async () => {
      const a = key('a');
      const b = key('b');
      expect(await s.take(a, 1, 1)).toBe(true);
      expect(await s.take(a, 1, 1)).toBe(false);
      expect(await s.take(b, 1, 1)).toBe(true);
    });

    it('admits members up to max, the same member again, and a new one once another is released', async () => {
      const set = key('set');
      expect(await s.acquire(set, 'c1', 2, 60)).toBe(true);
      expect(await s.acquire(set, 'c2', 2, 60)).toBe(true);
      expect(await s.acquire(set, 'c3', 2, 60)).toBe(false);
      expect(await s.acquire(set, 'c1', 2, 60)).toBe(true);
      await s.release(set, 'c2');
      await s.release(set, 'c2');
      expect(await s.acquire(set, 'c3', 2, 60)).toBe(true);
      expect(await s.acquire(set, 'c4', 2, 60)).toBe(false);
      expect(await s.acquire(key('other'), 'c4', 2, 60)).toBe(true);
    });

    it('lets a lease of a node that stopped refreshing lapse, freeing its place', async () => {
      const set = key('dead');
      expect(await s.acquire(set, 'live', 2, 60)).toBe(true);
      expect(await s.acquire(set, 'dead-node', 2, 0.3)).toBe(true);
      expect(await s.acquire(set, 'live-node', 2, 60)).toBe(false);
      await eventually(async () => expect(await s.acquire(set, 'live-node', 2, 60)).toBe(true), 3000);
      expect(await s.acquire(set, 'one-more', 2, 60)).toBe(false);
    });

    it('lets a lease lapse after its ttl unless it is refreshed, and never refreshes a released member back', async () => {
      const set = key('lapse');
      expect(await s.acquire(set, 'kept', 2, 0.6)).toBe(true);
      expect(await s.acquire(set, 'lapsing', 2, 0.6)).toBe(true);
      await s.release(set, 'gone');
      const started = Date.now();
      // Refresh "kept" (and a member never added) until "lapsing" has lapsed: a third member fits again.
      await eventually(async () => {
        await s.refresh(set, ['kept', 'never'], 0.6);
        expect(await s.acquire(set, 'third', 2, 0.6)).toBe(true);
      }, 3000);
      expect(Date.now() - started).toBeGreaterThanOrEqual(400);
      // "kept" still holds its place, and "never" was not added by the refresh: the set is full.
      expect(await s.acquire(set, 'fourth', 2, 0.6)).toBe(false);
    });
  });
}

import type { IdempotencyStore } from '../../lib/idempotency/idempotency-store.interface.js';
import { eventually } from '../support/eventually.js';

/** What every `IdempotencyStore` must do, run against each implementation (fresh store per test, closed by the contract). */
export function idempotencyStoreContract(name: string, store: () => IdempotencyStore | Promise<IdempotencyStore>): void {
  describe(`${name} (IdempotencyStore contract)`, () => {
    let s: IdempotencyStore;
    let n = 0;
    const key = () => `key-${process.pid}-${Date.now()}-${n++}`;

    beforeEach(async () => {
      s = await store();
    });
    afterEach(async () => {
      await s.close();
    });

    it('gives a key to the first claimer, shows the others it is pending, then its result', async () => {
      const k = key();
      expect(await s.claim(k, 30)).toBeUndefined();
      expect(await s.claim(k, 30)).toEqual({ state: 'pending' });
      await s.complete(k, { offset: 3, epoch: 'e' }, 60);
      expect(await s.claim(k, 30)).toEqual({ state: 'done', result: { offset: 3, epoch: 'e' } });
      await s.complete(key(), null, 60);
    });

    it('keeps null as a result', async () => {
      const k = key();
      await s.claim(k, 30);
      await s.complete(k, null, 60);
      expect(await s.claim(k, 30)).toEqual({ state: 'done', result: null });
    });

    it('frees an abandoned key for the next claimer', async () => {
      const k = key();
      await s.claim(k, 30);
      await s.abandon(k);
      expect(await s.claim(k, 30)).toBeUndefined();
    });

    it('forgets a claim and a result after their ttl', async () => {
      const pending = key();
      const done = key();
      await s.claim(pending, 0.3);
      await s.claim(done, 30);
      await s.complete(done, 1, 0.3);
      await eventually(async () => expect(await s.claim(pending, 30)).toBeUndefined(), 3000);
      await eventually(async () => expect(await s.claim(done, 30)).toBeUndefined(), 3000);
    });
  });
}

import type { UserStatusStore } from '../../lib/presence/user-status-store.interface.js';

/** What every `UserStatusStore` must do, run against each implementation (fresh store per test, closed by the contract). */
export function userStatusStoreContract(name: string, store: () => UserStatusStore | Promise<UserStatusStore>): void {
  describe(`${name} (UserStatusStore contract)`, () => {
    let s: UserStatusStore;
    let n = 0;
    const unique = (what: string) => `${what}-${process.pid}-${Date.now()}-${n++}`;

    beforeEach(async () => {
      s = await store();
    });
    afterEach(async () => {
      await s.close();
    });

    it('counts a user\'s connections, each client once, down to zero', async () => {
      const user = unique('alice');
      expect(await s.connections(user)).toBe(0);
      expect(await s.connect(user, 'c1')).toBe(1);
      expect(await s.connect(user, 'c2')).toBe(2);
      expect(await s.connect(user, 'c2')).toBe(2);
      expect(await s.connect(unique('bob'), 'c1')).toBe(1);
      expect(await s.connections(user)).toBe(2);
      expect(await s.disconnect(user, 'c1')).toBe(1);
      expect(await s.disconnect(user, 'c1')).toBe(1);
      expect(await s.disconnect(user, 'c2')).toBe(0);
      expect(await s.connections(user)).toBe(0);
      expect(await s.disconnect(unique('never'), 'c9')).toBe(0);
    });

    it('keeps statuses as set, and leaves users never seen out', async () => {
      const [a, b, c] = [unique('a'), unique('b'), unique('c')];
      await s.set(a, { status: 'busy', text: 'in a meeting ☕', lastSeen: 1_700_000_000_000 });
      await s.set(b, { status: 'online', text: '', lastSeen: 1 });
      await s.set(b, { status: 'away', text: 'lunch', lastSeen: 2 });
      expect(await s.get([a, b, c])).toEqual({
        [a]: { status: 'busy', text: 'in a meeting ☕', lastSeen: 1_700_000_000_000 },
        [b]: { status: 'away', text: 'lunch', lastSeen: 2 },
      });
      expect(await s.get([])).toEqual({});
    });
  });
}

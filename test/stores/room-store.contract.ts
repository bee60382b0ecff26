import type { RoomStore } from '../../lib/rooms/room-store.interface.js';
import type { Room, RoomMember } from '../../lib/rooms/room.js';

/** What every `RoomStore` must do, run against each implementation (fresh store per test, closed by the contract). */
export function roomStoreContract(name: string, store: () => RoomStore | Promise<RoomStore>): void {
  describe(`${name} (RoomStore contract)`, () => {
    let s: RoomStore;
    let n = 0;
    /** Channel and user names unique per test, so a shared server is fine. */
    const unique = (what: string) => `${what}-${process.pid}-${Date.now()}-${n++}`;
    const room = (channel: string, extra: Partial<Room> = {}): Room => ({
      channel,
      name: 'Room',
      metadata: { topic: 'x', nested: { a: [1, 2] } },
      private: false,
      createdBy: 'owner',
      createdAt: 1_700_000_000_000,
      ...extra,
    });
    const member = (user: string, role = 'member'): RoomMember => ({ user, role, joinedAt: 1_700_000_000_001 });

    beforeEach(async () => {
      s = await store();
    });
    afterEach(async () => {
      await s.close();
    });

    it('creates a room once, with its first members, and reads it back as it was stored', async () => {
      const channel = unique('team:a');
      const [owner, bob] = [unique('owner'), unique('bob')];
      expect(await s.create(room(channel, { private: true }), [member(owner, 'owner'), member(bob)])).toBe(true);
      expect(await s.create(room(channel), [])).toBe(false);
      expect(await s.get(channel)).toEqual(room(channel, { private: true }));
      expect(await s.member(channel, owner)).toEqual(member(owner, 'owner'));
      expect(await s.member(channel, unique('nobody'))).toBeUndefined();
      expect(await s.get(unique('none'))).toBeUndefined();
      expect(await s.roomsOf(bob)).toEqual([channel]);
    });

    it('updates only a room that exists', async () => {
      const channel = unique('team:u');
      expect(await s.update(room(channel))).toBe(false);
      expect(await s.get(channel)).toBeUndefined();
      await s.create(room(channel), []);
      expect(await s.update(room(channel, { name: 'Renamed', metadata: { topic: 'y' } }))).toBe(true);
      expect(await s.get(channel)).toMatchObject({ name: 'Renamed', metadata: { topic: 'y' } });
    });

    it('adds, updates and removes members, and keeps roomsOf in step', async () => {
      const [a, b] = [unique('team:m1'), unique('team:m2')];
      const carol = unique('carol');
      await s.create(room(a), []);
      await s.create(room(b), []);
      await s.putMember(a, member(carol));
      await s.putMember(b, member(carol));
      await s.putMember(a, member(carol, 'moderator'));
      expect(await s.member(a, carol)).toEqual(member(carol, 'moderator'));
      expect((await s.roomsOf(carol)).sort()).toEqual([a, b].sort());
      expect(await s.removeMember(a, carol)).toBe(true);
      expect(await s.removeMember(a, carol)).toBe(false);
      expect(await s.member(a, carol)).toBeUndefined();
      expect(await s.roomsOf(carol)).toEqual([b]);
      expect(await s.roomsOf(unique('stranger'))).toEqual([]);
    });

    it('adds no member to a room that does not exist, nor the room to the user', async () => {
      const [channel, dave] = [unique('team:none'), unique('dave')];
      await s.putMember(channel, member(dave));
      expect(await s.member(channel, dave)).toBeUndefined();
      expect(await s.roomsOf(dave)).toEqual([]);
    });

    it('pages members in name order with a cursor, stable while others come and go', async () => {
      const channel = unique('team:p');
      const users = ['u05', 'u01', 'u04', 'u02', 'u03'];
      await s.create(room(channel), users.map((u) => member(u)));
      const first = await s.members(channel, undefined, 2);
      expect(first.members.map((m) => m.user)).toEqual(['u01', 'u02']);
      expect(first.members[0]).toEqual(member('u01'));
      await s.removeMember(channel, 'u01');
      await s.putMember(channel, member('u00'));
      const second = await s.members(channel, first.cursor, 2);
      expect(second.members.map((m) => m.user)).toEqual(['u03', 'u04']);
      const last = await s.members(channel, second.cursor, 2);
      expect(last).toEqual({ members: [member('u05')] });
      expect(await s.members(channel, undefined, 10)).toEqual({ members: ['u00', 'u02', 'u03', 'u04', 'u05'].map((u) => member(u)) });
      expect(await s.members(unique('none'), undefined, 10)).toEqual({ members: [] });
    });

    it('deletes a room with its memberships, answering who was in it', async () => {
      const channel = unique('team:d');
      const [dan, eve] = [unique('dan'), unique('eve')];
      await s.create(room(channel), [member(dan), member(eve)]);
      expect((await s.delete(channel)).sort()).toEqual([dan, eve].sort());
      expect(await s.get(channel)).toBeUndefined();
      expect(await s.member(channel, dan)).toBeUndefined();
      expect(await s.roomsOf(dan)).toEqual([]);
      expect(await s.members(channel, undefined, 10)).toEqual({ members: [] });
      expect(await s.delete(channel)).toEqual([]);
      // A new room on the channel starts without the old members.
      expect(await s.create(room(channel), [])).toBe(true);
      expect(await s.members(channel, undefined, 10)).toEqual({ members: [] });
    });
  });
}

import type { MembersPage, RoomStore } from '../../rooms/room-store.interface.js';
import type { Room, RoomMember } from '../../rooms/room.js';

/** Rooms of one process. */
export class MemoryRoomStore implements RoomStore {
  private readonly rooms = new Map<string, Room>();
  private readonly memberships = new Map<string, Map<string, RoomMember>>();
  private readonly byUser = new Map<string, Set<string>>();

  async create(room: Room, members: RoomMember[]): Promise<boolean> {
    if (this.rooms.has(room.channel)) return false;
    this.rooms.set(room.channel, { ...room });
    this.memberships.set(room.channel, new Map());
    for (const member of members) await this.putMember(room.channel, member);
    return true;
  }

  async update(room: Room): Promise<boolean> {
    if (!this.rooms.has(room.channel)) return false;
    this.rooms.set(room.channel, { ...room });
    return true;
  }

  async delete(channel: string): Promise<string[]> {
    const users = [...(this.memberships.get(channel)?.keys() ?? [])];
    for (const user of users) this.byUser.get(user)?.delete(channel);
    this.rooms.delete(channel);
    this.memberships.delete(channel);
    return users;
  }

  async get(channel: string): Promise<Room | undefined> {
    const room = this.rooms.get(channel);
    return room && { ...room };
  }

  async putMember(channel: string, member: RoomMember): Promise<void> {
    const members = this.memberships.get(channel);
    // As the Redis store: no room, no membership, and no entry in the user's index either.
    if (!members) return;
    members.set(member.user, { ...member });
    let rooms = this.byUser.get(member.user);
    if (!rooms) {
      rooms = new Set();
      this.byUser.set(member.user, rooms);
    }
    rooms.add(channel);
  }

  async removeMember(channel: string, user: string): Promise<boolean> {
    const removed = this.memberships.get(channel)?.delete(user) ?? false;
    const rooms = this.byUser.get(user);
    rooms?.delete(channel);
    if (rooms?.size === 0) this.byUser.delete(user);
    return removed;
  }

  async member(channel: string, user: string): Promise<RoomMember | undefined> {
    const member = this.memberships.get(channel)?.get(user);
    return member && { ...member };
  }

  async members(channel: string, cursor: string | undefined, limit: number): Promise<MembersPage> {
    const all = [...(this.memberships.get(channel)?.values() ?? [])].sort((a, b) => (a.user < b.user ? -1 : a.user > b.user ? 1 : 0));
    const after = cursor === undefined ? all : all.filter((m) => m.user > cursor);
    const members = after.slice(0, limit).map((m) => ({ ...m }));
    return after.length > limit ? { members, cursor: members.at(-1)!.user } : { members };
  }

  async roomsOf(user: string): Promise<string[]> {
    return [...(this.byUser.get(user) ?? [])];
  }

  async close(): Promise<void> {
    this.rooms.clear();
    this.memberships.clear();
    this.byUser.clear();
  }
}

import type { MembersPage, RoomStore } from '../../rooms/room-store.interface.js';
import type { Room, RoomMember } from '../../rooms/room.js';
import { RedisScript } from './redis-script.js';
import type { RedisShards } from './redis-shards.js';

/** KEYS: room, members (hash user → member), index (users by name). ARGV: room, then member JSON and user pairs. */
const CREATE = new RedisScript(`if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
for i = 2, #ARGV, 2 do
  redis.call('HSET', KEYS[2], ARGV[i + 1], ARGV[i])
  redis.call('ZADD', KEYS[3], 0, ARGV[i + 1])
end
return 1`);

/** A membership only for a room that exists: a late add must not bring a deleted room's members back. */
const PUT_MEMBER = new RedisScript(`if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[1])
redis.call('ZADD', KEYS[3], 0, ARGV[2])
return 1`);

const REMOVE_MEMBER = new RedisScript(`redis.call('ZREM', KEYS[3], ARGV[1])
return redis.call('HDEL', KEYS[2], ARGV[1])`);

const DELETE = new RedisScript(`local users = redis.call('ZRANGE', KEYS[3], 0, -1)
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
return users`);

/** ARGV: the range's start (`-` or `(cursor`), how many. One step, so a page never names a member it cannot show. */
const MEMBERS = new RedisScript(`local users = redis.call('ZRANGEBYLEX', KEYS[3], ARGV[1], '+', 'LIMIT', 0, tonumber(ARGV[2]))
if #users == 0 then return {} end
return redis.call('HMGET', KEYS[2], unpack(users))`);

/**
 * `RoomStore` in Redis. A room's keys share a hash tag, so its scripts run atomically on one
 * Cluster node: `<prefix>room:{<channel>}` (the room, JSON), `…:members` (hash of memberships, JSON)
 * and `…:index` (a sorted set of the members' names, for pages in name order, byte-wise).
 * `<prefix>user-rooms:{<user>}` (a set of channels) indexes a user's rooms in another slot: it
 * is written after the room, and `roomsOf` checks each entry against the room, dropping those a
 * failure between the two steps left behind. The client is the caller's: `close` leaves it open.
 */
export class RedisRoomStore implements RoomStore {
  constructor(
    private readonly shards: RedisShards,
    private readonly prefix: string,
  ) {}

  async create(room: Room, members: RoomMember[]): Promise<boolean> {
    const args = [JSON.stringify(room), ...members.flatMap((m) => [JSON.stringify(m), m.user])];
    if ((await CREATE.run(this.shards, this.roomKeys(room.channel), args)) !== 1) return false;
    await Promise.all(members.map((m) => this.shards.for(this.userKey(m.user)).sadd(this.userKey(m.user), room.channel)));
    return true;
  }

  async update(room: Room): Promise<boolean> {
    return (await this.shards.for(this.roomKeys(room.channel)[0]).set(this.roomKeys(room.channel)[0], JSON.stringify(room), 'XX')) === 'OK';
  }

  async delete(channel: string): Promise<string[]> {
    const users = (await DELETE.run(this.shards, this.roomKeys(channel), [])) as string[];
    await Promise.all(users.map((user) => this.shards.for(this.userKey(user)).srem(this.userKey(user), channel)));
    return users;
  }

  async get(channel: string): Promise<Room | undefined> {
    const room = await this.shards.for(this.roomKeys(channel)[0]).get(this.roomKeys(channel)[0]);
    return room === null ? undefined : (JSON.parse(room) as Room);
  }

  async putMember(channel: string, member: RoomMember): Promise<void> {
    if ((await PUT_MEMBER.run(this.shards, this.roomKeys(channel), [JSON.stringify(member), member.user])) === 1) {
      await this.shards.for(this.userKey(member.user)).sadd(this.userKey(member.user), channel);
    }
  }

  async removeMember(channel: string, user: string): Promise<boolean> {
    const removed = (await REMOVE_MEMBER.run(this.shards, this.roomKeys(channel), [user])) === 1;
    await this.shards.for(this.userKey(user)).srem(this.userKey(user), channel);
    return removed;
  }

  async member(channel: string, user: string): Promise<RoomMember | undefined> {
    const member = await this.shards.for(this.roomKeys(channel)[1]).hget(this.roomKeys(channel)[1], user);
    return member === null ? undefined : (JSON.parse(member) as RoomMember);
  }

  async members(channel: string, cursor: string | undefined, limit: number): Promise<MembersPage> {
    const start = cursor === undefined ? '-' : `(${cursor}`;
    const found = (await MEMBERS.run(this.shards, this.roomKeys(channel), [start, limit + 1])) as Array<string | null>;
    const all = found.filter((m): m is string => m !== null).map((m) => JSON.parse(m) as RoomMember);
    const members = all.slice(0, limit);
    return all.length > limit ? { members, cursor: members.at(-1)!.user } : { members };
  }

  async roomsOf(user: string): Promise<string[]> {
    const channels = await this.shards.for(this.userKey(user)).smembers(this.userKey(user));
    const held = await Promise.all(channels.map((channel) => this.shards.for(this.roomKeys(channel)[1]).hexists(this.roomKeys(channel)[1], user)));
    const stale = channels.filter((_, i) => held[i] !== 1);
    if (stale.length > 0) await this.shards.for(this.userKey(user)).srem(this.userKey(user), ...stale);
    return channels.filter((_, i) => held[i] === 1);
  }

  async close(): Promise<void> {}

  private roomKeys(channel: string): [room: string, members: string, index: string] {
    const room = `${this.prefix}room:{${channel}}`;
    return [room, `${room}:members`, `${room}:index`];
  }

  private userKey(user: string): string {
    return `${this.prefix}user-rooms:{${user}}`;
  }
}

import type { PresenceStats, PresenceStore } from '../../presence/presence-store.interface.js';
import type { WireClientInfo } from '../../protocol/frames.js';
import { LUA_NOW, RedisScript } from './redis-script.js';
import type { RedisShards } from './redis-shards.js';

/** KEYS: entries, expiries. ARGV: client, info JSON, ttl seconds. */
const ADD = new RedisScript(`${LUA_NOW}
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[3]) * 1000, ARGV[1])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[3]))
redis.call('EXPIRE', KEYS[2], tonumber(ARGV[3]))
return 1`);

/** KEYS: entries, expiries. Drops the entries no node refreshed in time, then answers them all. */
const GET = new RedisScript(`${LUA_NOW}
local gone = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)
if #gone > 0 then
  redis.call('ZREM', KEYS[2], unpack(gone))
  redis.call('HDEL', KEYS[1], unpack(gone))
end
return redis.call('HGETALL', KEYS[1])`);

/**
 * Presence in Redis: per channel a hash of entries (client → info JSON) and a sorted set of their
 * expiry times (Redis server time), both under the channel's hash tag. Each node's presence loop
 * adds its clients again well within `presenceTtl`; a killed node's entries pass their expiry and
 * are dropped by the next read, and whole keys expire when nobody refreshes them.
 */
export class RedisPresenceStore implements PresenceStore {
  constructor(
    private readonly shards: RedisShards,
    private readonly prefix: string,
    private readonly ttl: number,
  ) {}

  private keys(channel: string): [entries: string, expiries: string] {
    return [`${this.prefix}presence:{${channel}}`, `${this.prefix}presence:{${channel}}:exp`];
  }

  async add(channel: string, info: WireClientInfo): Promise<void> {
    await ADD.run(this.shards, this.keys(channel), [info.client, JSON.stringify(info), Math.max(1, Math.ceil(this.ttl))]);
  }

  async remove(channel: string, client: string, _user: string): Promise<void> {
    const [entries, expiries] = this.keys(channel);
    await this.shards.for(entries).multi().hdel(entries, client).zrem(expiries, client).exec();
  }

  async get(channel: string): Promise<Record<string, WireClientInfo>> {
    const flat = (await GET.run(this.shards, this.keys(channel), [])) as string[];
    const found: Record<string, WireClientInfo> = {};
    for (let i = 0; i < flat.length; i += 2) found[flat[i]!] = JSON.parse(flat[i + 1]!) as WireClientInfo;
    return found;
  }

  async stats(channel: string): Promise<PresenceStats> {
    const entries = Object.values(await this.get(channel));
    return { numClients: entries.length, numUsers: new Set(entries.map((e) => e.user)).size };
  }

  async close(): Promise<void> {}
}

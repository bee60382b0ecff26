import type { LimitStore } from '../../limits/limit-store.interface.js';
import { LUA_NOW, RedisScript } from './redis-script.js';
import type { RedisShards } from './redis-shards.js';

/**
 * A token bucket in a hash (`tokens`, `at`), refilled on each take from the time elapsed; it
 * expires once it would be full again, so idle buckets cost nothing.
 */
const TAKE = new RedisScript(`${LUA_NOW}
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) / 1000 * rate)
local taken = 0
if tokens >= 1 then
  tokens = tokens - 1
  taken = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', now)
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / rate * 1000) + 1000)
return taken`);

/** Keeps the set's key until its latest lease ends. */
const EXPIRE_WITH_LATEST = `local latest = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
if latest[2] then redis.call('PEXPIREAT', KEYS[1], latest[2]) end`;

/** Leases in a sorted set scored by their expiry: lapsed ones are dropped before counting. */
const ACQUIRE = new RedisScript(`${LUA_NOW}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
  return 0
end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
${EXPIRE_WITH_LATEST}
return 1`);

/** XX: a member released (or lapsed and dropped) meanwhile is not added back. */
const REFRESH = new RedisScript(`${LUA_NOW}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local expiresAt = now + tonumber(ARGV[1])
for i = 2, #ARGV do
  redis.call('ZADD', KEYS[1], 'XX', expiresAt, ARGV[i])
end
${EXPIRE_WITH_LATEST}
return 0`);

/**
 * `LimitStore` in Redis, so that limits hold for every node using it. Each operation is one
 * atomic script on one key (`<prefix>limits:<key>`), timed by the Redis server's clock. The
 * client is the caller's: `close` leaves it open.
 */
export class RedisLimitStore implements LimitStore {
  constructor(
    private readonly shards: RedisShards,
    private readonly prefix: string,
  ) {}

  async take(key: string, perSecond: number, burst: number): Promise<boolean> {
    return (await TAKE.run(this.shards, this.key(key), [perSecond, burst])) === 1;
  }

  async acquire(key: string, member: string, max: number, ttl: number): Promise<boolean> {
    return (await ACQUIRE.run(this.shards, this.key(key), [member, max, Math.ceil(ttl * 1000)])) === 1;
  }

  async refresh(key: string, members: string[], ttl: number): Promise<void> {
    if (members.length === 0) return;
    await REFRESH.run(this.shards, this.key(key), [Math.ceil(ttl * 1000), ...members]);
  }

  async release(key: string, member: string): Promise<void> {
    await this.shards.for(this.key(key)).zrem(this.key(key), member);
  }

  async close(): Promise<void> {}

  private key(key: string): string {
    return `${this.prefix}limits:${key}`;
  }
}

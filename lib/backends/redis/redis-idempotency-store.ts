import type { IdempotencyRecord, IdempotencyStore } from '../../idempotency/idempotency-store.interface.js';
import { RedisScript } from './redis-script.js';
import type { RedisShards } from './redis-shards.js';

const PENDING = JSON.stringify({ state: 'pending' });

/** What the key holds, or a pending claim set in the same step: two nodes cannot both get it. */
const CLAIM = new RedisScript(`local held = redis.call('GET', KEYS[1])
if held then return held end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return false`);

/**
 * `IdempotencyStore` in Redis: one string per key (`<prefix>idempotency:<key>`) holding the
 * record as JSON, with the claim's or the window's expiry. The client is the caller's: `close`
 * leaves it open.
 */
export class RedisIdempotencyStore implements IdempotencyStore {
  constructor(
    private readonly shards: RedisShards,
    private readonly prefix: string,
  ) {}

  async claim(key: string, ttl: number): Promise<IdempotencyRecord | undefined> {
    const held = await CLAIM.run(this.shards, this.key(key), [PENDING, Math.ceil(ttl * 1000)]);
    return typeof held === 'string' ? (JSON.parse(held) as IdempotencyRecord) : undefined;
  }

  async complete(key: string, result: unknown, ttl: number): Promise<void> {
    await this.shards.for(this.key(key)).set(this.key(key), JSON.stringify({ state: 'done', result }), 'PX', Math.ceil(ttl * 1000));
  }

  async abandon(key: string): Promise<void> {
    await this.shards.for(this.key(key)).del(this.key(key));
  }

  async close(): Promise<void> {}

  private key(key: string): string {
    return `${this.prefix}idempotency:${key}`;
  }
}

import type { Redis } from 'ioredis';
import { createHash } from 'node:crypto';
import { RedisIdempotencyStore } from '../../lib/backends/redis/redis-idempotency-store.js';
import { RedisLimitStore } from '../../lib/backends/redis/redis-limit-store.js';
import { RedisScript } from '../../lib/backends/redis/redis-script.js';
import { clearPrefix, redisClient, testPrefix } from '../support/redis.js';
import { idempotencyStoreContract } from './idempotency-store.contract.js';
import { limitStoreContract } from './limit-store.contract.js';
import { RedisShards } from '../../lib/backends/redis/redis-shards.js';

const prefix = testPrefix('redis-counters');
let redis: Redis;

beforeAll(async () => {
  redis = await redisClient();
});
afterAll(async () => {
  await clearPrefix(redis, prefix);
  redis.disconnect();
});

limitStoreContract('RedisLimitStore', () => new RedisLimitStore(new RedisShards([redis]), prefix));
idempotencyStoreContract('RedisIdempotencyStore', () => new RedisIdempotencyStore(new RedisShards([redis]), prefix));

describe('Redis counters', () => {
  it('keeps its keys under the prefix, with an expiry, and leaves the client open on close', async () => {
    const store = new RedisLimitStore(new RedisShards([redis]), prefix);
    await store.take('bucket-keys', 1, 5);
    await store.acquire('set-keys', 'c1', 1, 60);
    await new RedisIdempotencyStore(new RedisShards([redis]), prefix).claim('claim-keys', 30);
    for (const key of ['limits:bucket-keys', 'limits:set-keys', 'idempotency:claim-keys']) {
      expect(await redis.pttl(`${prefix}${key}`)).toBeGreaterThan(0);
    }
    await store.close();
    expect(await redis.ping()).toBe('PONG');
  });

  it('sends a script the server does not know yet in full, then by its SHA1', async () => {
    // Unique per run: no earlier run can have loaded it. (SCRIPT FLUSH would hit every user of the server.)
    const script = new RedisScript(`return ARGV[1] .. '-${prefix}'`);
    const sha = createHash('sha1').update(`return ARGV[1] .. '-${prefix}'`).digest('hex');
    expect(await redis.script('EXISTS', sha)).toEqual([0]);
    expect(await script.run(new RedisShards([redis]), `${prefix}any`, ['a'])).toBe(`a-${prefix}`);
    expect(await redis.script('EXISTS', sha)).toEqual([1]);
    expect(await script.run(new RedisShards([redis]), `${prefix}any`, ['b'])).toBe(`b-${prefix}`);
  });

  it('never admits more than max leases under concurrent acquires from many clients', async () => {
    const clients = await Promise.all(Array.from({ length: 4 }, () => redisClient()));
    try {
      const stores = clients.map((c) => new RedisLimitStore(new RedisShards([c]), prefix));
      const results = await Promise.all(Array.from({ length: 40 }, (_, i) => stores[i % 4]!.acquire('race', `c${i}`, 3, 60)));
      expect(results.filter(Boolean)).toHaveLength(3);
    } finally {
      for (const c of clients) c.disconnect();
    }
  });
});

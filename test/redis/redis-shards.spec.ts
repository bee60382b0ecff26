import { jumpHash, RedisShards, shardKey } from '../../lib/backends/redis/redis-shards.js';
import type { RedisClient } from '../../lib/backends/redis/redis-shards.js';

const keys = Array.from({ length: 20_000 }, (_, i) => `chat:room-${i}`);

describe('jumpHash', () => {
  it('puts every key in one bucket of the range, the same one every time', () => {
    for (const key of keys.slice(0, 1000)) {
      const bucket = jumpHash(key, 7);
      expect(bucket).toBeGreaterThanOrEqual(0);
      expect(bucket).toBeLessThan(7);
      expect(jumpHash(key, 7)).toBe(bucket);
    }
    expect(jumpHash('any', 1)).toBe(0);
  });

  it('spreads keys evenly', () => {
    const counts = new Array<number>(4).fill(0);
    for (const key of keys) counts[jumpHash(key, 4)]!++;
    for (const count of counts) expect(Math.abs(count - keys.length / 4)).toBeLessThan(keys.length / 4 / 10);
  });

  it('moves only about 1/(n+1) of the keys when a bucket is added, all of them to the new one', () => {
    let moved = 0;
    for (const key of keys) {
      const before = jumpHash(key, 4);
      const after = jumpHash(key, 5);
      if (after !== before) {
        moved++;
        expect(after).toBe(4);
      }
    }
    expect(Math.abs(moved - keys.length / 5)).toBeLessThan(keys.length / 5 / 10);
  });
});

describe('shardKey', () => {
  it("is the hash tag's content, as for Cluster slots, or the whole key", () => {
    expect(shardKey('p:history:{chat:a}:meta')).toBe('chat:a');
    expect(shardKey('p:pub:{chat:a}')).toBe('chat:a');
    expect(shardKey('p:user-statuses')).toBe('p:user-statuses');
    // An empty tag is no tag (Redis Cluster reads it so too).
    expect(shardKey('p:{}x')).toBe('p:{}x');
    expect(shardKey('p:{a}b}')).toBe('a');
  });
});

describe('RedisShards', () => {
  const fake = (name: string) => ({ name }) as unknown as RedisClient;

  it("keeps an entity's keys on one shard and spreads entities across shards", () => {
    const shards = new RedisShards([fake('a'), fake('b'), fake('c')]);
    const used = new Set<number>();
    for (let i = 0; i < 100; i++) {
      const channel = `chat:${i}`;
      const index = shards.index(`p:history:{${channel}}`);
      expect(shards.index(`p:history:{${channel}}:meta`)).toBe(index);
      expect(shards.index(`p:pub:{${channel}}`)).toBe(index);
      expect(shards.for(`p:presence:{${channel}}`)).toBe(shards.clients[index]);
      used.add(index);
    }
    expect(used).toEqual(new Set([0, 1, 2]));
  });

  it('sends everything to the one connection when there is one', () => {
    const shards = new RedisShards([fake('only')]);
    expect(shards.index('p:history:{chat:a}')).toBe(0);
  });
});

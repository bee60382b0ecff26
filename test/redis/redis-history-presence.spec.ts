import type { Redis } from 'ioredis';
import { RedisHistoryStore } from '../../lib/backends/redis/redis-history-store.js';
import { RedisPresenceStore } from '../../lib/backends/redis/redis-presence-store.js';
import { clearPrefix, redisClient, testPrefix } from '../support/redis.js';
import { RedisShards } from '../../lib/backends/redis/redis-shards.js';

const opts = { size: 3, ttl: 60, metaTtl: 600 };
const pub = (n: number) => ({ data: { n } });

/** The Redis history and presence stores against the real Redis (REDIS_URL). */
describe('Redis history and presence stores', () => {
  let redis: Redis;
  const prefix = testPrefix('redis-history-presence');

  beforeAll(async () => {
    redis = await redisClient();
  });
  afterAll(async () => {
    await clearPrefix(redis, prefix);
    redis.disconnect();
  });

  it('appends with increasing offsets in one epoch, keeps the last `size`, and reads after a position', async () => {
    const history = new RedisHistoryStore(new RedisShards([redis]), prefix);
    const pages = [];
    for (let n = 1; n <= 5; n++) pages.push(await history.append('c1', pub(n), opts));
    expect(pages.map((p) => p.offset)).toEqual([1, 2, 3, 4, 5]);
    expect(new Set(pages.map((p) => p.epoch)).size).toBe(1);
    const { epoch } = pages[0]!;
    const all = await history.read('c1', { limit: -1, metaTtl: 600 });
    expect(all).toMatchObject({ offset: 5, epoch });
    expect(all.publications).toEqual([3, 4, 5].map((n) => ({ data: { n }, offset: n })));
    expect((await history.read('c1', { since: { offset: 3, epoch }, limit: -1, metaTtl: 600 })).publications.map((p) => p.offset)).toEqual([4, 5]);
    expect((await history.read('c1', { limit: 2, metaTtl: 600 })).publications.map((p) => p.offset)).toEqual([3, 4]);
    expect((await history.read('c1', { limit: 2, reverse: true, metaTtl: 600 })).publications.map((p) => p.offset)).toEqual([5, 4]);
    expect((await history.read('c1', { since: { offset: 5, epoch }, reverse: true, limit: -1, metaTtl: 600 })).publications.map((p) => p.offset)).toEqual([4, 3]);
    expect((await history.read('c1', { limit: 0, metaTtl: 600 })).publications).toEqual([]);
  });

  it('reads no publication above the top it answers with, though one lands between the two reads', async () => {
    const history = new RedisHistoryStore(new RedisShards([redis]), prefix);
    const { epoch } = await history.append('c-race', pub(1), opts);
    // Sent in the same turn, on the same connection: the append runs after the read's position
    // script and before its XRANGE. A page past its top failed recovery (last offset != top).
    const [page] = await Promise.all([history.read('c-race', { since: { offset: 0, epoch }, limit: -1, metaTtl: 600 }), history.append('c-race', pub(2), opts)]);
    expect(page.offset).toBe(1);
    expect(page.publications.map((p) => p.offset)).toEqual([1]);
  });

  it('answers 112 for another epoch, and starts a new epoch after remove', async () => {
    const history = new RedisHistoryStore(new RedisShards([redis]), prefix);
    const { epoch } = await history.append('c2', pub(1), opts);
    await expect(history.read('c2', { since: { offset: 0, epoch: 'other' }, limit: -1, metaTtl: 600 })).rejects.toMatchObject({ code: 112 });
    await history.remove('c2');
    const position = await history.position('c2', 600);
    expect(position.offset).toBe(0);
    expect(position.epoch).not.toBe(epoch);
    expect(await history.position('c2', 600)).toEqual(position);
  });

  it('keeps presence per channel, counts users apart from clients, and drops entries nobody refreshed', async () => {
    const presence = new RedisPresenceStore(new RedisShards([redis]), prefix, 1);
    await presence.add('p1', { user: 'alice', client: 'a1' });
    await presence.add('p1', { user: 'alice', client: 'a2' });
    await presence.add('p1', { user: 'bob', client: 'b1' });
    expect(await presence.stats('p1')).toEqual({ numClients: 3, numUsers: 2 });
    await presence.remove('p1', 'a2', 'alice');
    expect(Object.keys(await presence.get('p1')).sort()).toEqual(['a1', 'b1']);
    // Only bob's node is alive: it refreshes him, alice's entry runs out.
    const deadline = Date.now() + 5000;
    while (Object.keys(await presence.get('p1')).includes('a1')) {
      if (Date.now() > deadline) throw new Error('the unrefreshed entry did not expire');
      await presence.add('p1', { user: 'bob', client: 'b1' });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(Object.keys(await presence.get('p1'))).toEqual(['b1']);
  });
});

import type { Redis } from 'ioredis';
import { RedisMessageStateStore } from '../../lib/backends/redis/redis-message-state-store.js';
import { RedisRoomStore } from '../../lib/backends/redis/redis-room-store.js';
import { RedisUserStatusStore } from '../../lib/backends/redis/redis-user-status-store.js';
import { eventually } from '../support/eventually.js';
import { clearPrefix, redisClient, testPrefix } from '../support/redis.js';
import { messageStateStoreDetails } from './message-state-store-details.contract.js';
import { messageStateStoreContract } from './message-state-store.contract.js';
import { roomStoreContract } from './room-store.contract.js';
import { userStatusStoreContract } from './user-status-store.contract.js';
import { RedisShards } from '../../lib/backends/redis/redis-shards.js';

const prefix = testPrefix('redis-chat-stores');
let redis: Redis;

beforeAll(async () => {
  redis = await redisClient();
});
afterAll(async () => {
  await clearPrefix(redis, prefix);
  redis.disconnect();
});

roomStoreContract('RedisRoomStore', () => new RedisRoomStore(new RedisShards([redis]), prefix));
userStatusStoreContract('RedisUserStatusStore', () => new RedisUserStatusStore(new RedisShards([redis]), prefix));
messageStateStoreContract('RedisMessageStateStore', async () => new RedisMessageStateStore(new RedisShards([redis]), prefix));
messageStateStoreDetails('RedisMessageStateStore', () => new RedisMessageStateStore(new RedisShards([redis]), prefix));

describe('Redis chat stores', () => {
  it('keeps a room\'s keys in one hash slot, and a user\'s index in the user\'s', async () => {
    const store = new RedisRoomStore(new RedisShards([redis]), prefix);
    await store.create({ channel: 'team:slots', name: 'n', metadata: {}, private: false, createdBy: 'o', createdAt: 1 }, [
      { user: 'slot-user', role: 'owner', joinedAt: 1 },
    ]);
    const keys = await redis.keys(`${prefix}*slot*`);
    expect(keys.sort()).toEqual(
      [`${prefix}room:{team:slots}`, `${prefix}room:{team:slots}:index`, `${prefix}room:{team:slots}:members`, `${prefix}user-rooms:{slot-user}`].sort(),
    );
  });

  it('drops a room from roomsOf when its membership is gone though the user index still names it', async () => {
    const store = new RedisRoomStore(new RedisShards([redis]), prefix);
    await store.create({ channel: 'team:stale', name: 'n', metadata: {}, private: false, createdBy: 'o', createdAt: 1 }, [
      { user: 'stale-user', role: 'member', joinedAt: 1 },
    ]);
    // What a failure between the room's step and the index's would leave.
    await redis.hdel(`${prefix}room:{team:stale}:members`, 'stale-user');
    expect(await store.roomsOf('stale-user')).toEqual([]);
    expect(await redis.smembers(`${prefix}user-rooms:{stale-user}`)).toEqual([]);
  });

  it('lets the connections of a node that died lapse within the ttl, while a live node keeps its own counted', async () => {
    // A ttl that leaves the live node's renewals (every 0.5 s) a second of slack on a loaded machine.
    const live = new RedisUserStatusStore(new RedisShards([redis]), prefix, 1.5);
    const dead = new RedisUserStatusStore(new RedisShards([redis]), prefix, 1.5);
    try {
      await live.connect('lapse-user', 'live-client');
      await dead.connect('lapse-user', 'dead-client');
      await dead.close(); // stops renewing, as a killed node would
      expect(await live.connections('lapse-user')).toBe(2);
      const started = Date.now();
      await eventually(async () => expect(await live.connections('lapse-user')).toBe(1), 6000);
      // Past two ttls, the live node's renewals still count its client.
      await eventually(() => expect(Date.now() - started).toBeGreaterThan(3100), 6000);
      expect(await live.connections('lapse-user')).toBe(1);
    } finally {
      await live.close();
    }
  });

  it('does not count a lapsed connection even before anything is written to the user again', async () => {
    const live = new RedisUserStatusStore(new RedisShards([redis]), prefix, 60);
    const dead = new RedisUserStatusStore(new RedisShards([redis]), prefix, 0.3);
    try {
      await live.connect('quiet-user', 'live-client');
      await dead.connect('quiet-user', 'dead-client');
      await dead.close();
      await eventually(async () => expect(await live.connections('quiet-user')).toBe(1), 3000);
    } finally {
      await live.close();
    }
  });
});

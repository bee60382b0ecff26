// The Redis backend: one node, and two nodes with the publisher on A and every subscriber on B,
// under a key prefix of this run's own that is removed afterwards.
import { Redis } from 'ioredis';
import { knobs } from '../knobs.mjs';
import { measure } from './fanout.mjs';

/** A connected client, or the reason Redis cannot be used. */
async function connect() {
  const redis = new Redis(knobs.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
    return { redis };
  } catch (err) {
    redis.disconnect();
    return { reason: `${knobs.redisUrl}: ${err.message}` };
  }
}

async function removeKeys(redis, prefix) {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

/** { one, two } results of `measure` on Redis with `count` subscribers, or { skipped: reason }. */
export async function measureRedis(count) {
  const { redis, reason } = await connect();
  if (!redis) return { skipped: reason };
  const prefix = `bench-${process.pid}-${Date.now()}:`;
  try {
    const options = { redis: { url: knobs.redisUrl, prefix }, bursts: true, paced: true };
    process.stderr.write(`${count} clients, one node on Redis…\n`);
    const one = await measure('streaming', count, { ...options, nodes: 1 });
    process.stderr.write(`${count} clients, two nodes on Redis…\n`);
    const two = await measure('streaming', count, { ...options, nodes: 2 });
    return { one, two };
  } finally {
    await removeKeys(redis, prefix);
    redis.disconnect();
  }
}

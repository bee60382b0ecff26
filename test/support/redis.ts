import { Redis } from 'ioredis';
import type { StreamingModuleOptions } from '../../lib/index.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * A client of the test Redis (REDIS_URL), connected: fails with a clear message when none
 * answers, instead of a test timing out. Each test file gives its own `prefix` to `clearPrefix`.
 */
export async function redisClient(url = REDIS_URL): Promise<Redis> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    redis.disconnect();
    throw new Error(`these tests need Redis at ${url} (set REDIS_URL, or start redis-server): ${(err as Error).message}`);
  }
  return redis;
}

/** A key prefix no other test file or run uses. */
export function testPrefix(file: string): string {
  return `test:${file}:${process.pid}:${Date.now()}:`;
}

/** Deletes every key under `prefix`. */
export async function clearPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

/**
 * The backends a suite runs against, for `describe.each`: memory, and Redis (REDIS_URL) under a
 * prefix of the suite's own; `cleanup` deletes that prefix's keys after the suite.
 */
export function backends(file: string): Array<[string, { backend?: StreamingModuleOptions['backend'] }, () => Promise<void>]> {
  const prefix = testPrefix(file);
  const cleanup = async () => {
    const redis = await redisClient();
    await clearPrefix(redis, prefix);
    redis.disconnect();
  };
  return [
    ['memory', {}, async () => {}],
    ['redis', { backend: { type: 'redis', url: REDIS_URL, prefix } }, cleanup],
  ];
}

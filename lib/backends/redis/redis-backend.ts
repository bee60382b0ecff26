import type { Cluster, Redis } from 'ioredis';
import type { RedisClient } from './redis-script.js';
import type { ResolvedBackendOptions } from '../../options/resolve-backend-options.js';
import type { Backend } from '../backend.interface.js';
import { RedisBroker } from './redis-broker.js';
import { RedisHistoryStore } from './redis-history-store.js';
import { RedisIdempotencyStore } from './redis-idempotency-store.js';
import { RedisLimitStore } from './redis-limit-store.js';
import { RedisMessageStateStore } from './redis-message-state-store.js';
import { RedisPresenceStore } from './redis-presence-store.js';
import { RedisRoomStore } from './redis-room-store.js';
import { RedisUserStatusStore } from './redis-user-status-store.js';

type RedisOptions = Extract<ResolvedBackendOptions, { type: 'redis' }>;

/** ioredis, loaded only when the Redis backend is chosen: memory users need not install it. */
async function loadIoredis(): Promise<{ Redis: typeof Redis; Cluster: typeof Cluster }> {
  try {
    const ioredis = await import('ioredis');
    return { Redis: ioredis.Redis, Cluster: ioredis.Cluster };
  } catch (err) {
    throw new Error(`backend.type 'redis' needs the ioredis package: npm install ioredis (${(err as Error).message})`);
  }
}

/** Resolves once the client is ready; rejects with the reason after `seconds` (0: waits as long as it takes). */
function ready(client: RedisClient, seconds: number, where: string): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    let lastError = 'no answer';
    const onError = (err: Error) => (lastError = err.message);
    const timer = seconds > 0 ? setTimeout(() => done(new Error(`Redis at ${where} did not answer within ${seconds} s (backend.startupTimeout): ${lastError}`)), seconds * 1000) : undefined;
    const done = (err?: Error) => {
      clearTimeout(timer);
      client.off('error', onError);
      client.off('ready', onReady);
      if (err) reject(err);
      else resolve();
    };
    const onReady = () => done();
    // The loser of a start-up race must not keep a failing process alive until it fires.
    timer?.unref();
    client.on('error', onError);
    client.once('ready', onReady);
  });
}

/**
 * The Redis backend: one command connection (the app's `client`, or one made from `url`, `options`
 * or `cluster`), and a duplicate of it for pub/sub. Commands fail at once while Redis is away
 * (no offline queue), so clients get error 100 and retry instead of waiting on a queue; the
 * connections reconnect by themselves with backoff.
 */
export async function createRedisBackend(options: RedisOptions, presenceTtl: number): Promise<Backend> {
  const { Redis: RedisClass, Cluster } = await loadIoredis();
  const own = options.client === undefined;
  const failFast = { enableOfflineQueue: false, maxRetriesPerRequest: 1 };
  let redis: RedisClient;
  let where: string;
  if (options.client) {
    redis = options.client as RedisClient;
    where = 'the given client';
  } else if (options.cluster) {
    redis = new Cluster(options.cluster.nodes, { ...options.cluster.options, redisOptions: { ...failFast } });
    where = `cluster ${JSON.stringify(options.cluster.nodes)}`;
  } else {
    const url = options.url ?? (options.options ? undefined : 'redis://127.0.0.1:6379');
    redis = url ? new RedisClass(url, { ...options.options, ...failFast }) : new RedisClass({ ...options.options, ...failFast });
    where = url ?? 'the given options';
  }
  // Published messages must wait for the pub/sub connection, not fail: it keeps an offline queue.
  const subscriber: RedisClient = 'nodes' in redis && typeof redis.nodes === 'function' ? (redis as Cluster).duplicate() : (redis as Redis).duplicate({ enableOfflineQueue: true });
  const quiet = () => {};
  try {
    await Promise.all([ready(redis, options.startupTimeout, where), ready(subscriber, options.startupTimeout, where)]);
  } catch (err) {
    subscriber.disconnect();
    if (own) redis.disconnect();
    throw err;
  }
  // Errors while running surface as failed commands (100 to clients) and reconnects; ioredis would print each otherwise.
  redis.on('error', quiet);
  subscriber.on('error', quiet);
  const { prefix } = options;
  const history = new RedisHistoryStore(redis, prefix);
  const broker = new RedisBroker(redis, subscriber, history, prefix, async () => {
    subscriber.disconnect();
    if (own) await redis.quit().catch(() => redis.disconnect());
  });
  return {
    broker,
    history,
    presence: new RedisPresenceStore(redis, prefix, presenceTtl),
    limits: new RedisLimitStore(redis, prefix),
    idempotency: new RedisIdempotencyStore(redis, prefix),
    userStatus: new RedisUserStatusStore(redis, prefix, presenceTtl),
    rooms: new RedisRoomStore(redis, prefix),
    messages: new RedisMessageStateStore(redis, prefix),
    ping: async () => {
      await redis.ping();
    },
  };
}

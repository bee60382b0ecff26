import type { Cluster, Redis } from 'ioredis';
import type { ResolvedBackendOptions } from '../../options/resolve-backend-options.js';
import type { Backend } from '../backend.interface.js';
import { reportResubscribes } from './cluster-subscriber.js';
import { RedisBroker } from './redis-broker.js';
import { RedisHistoryStore } from './redis-history-store.js';
import { RedisIdempotencyStore } from './redis-idempotency-store.js';
import { RedisLimitStore } from './redis-limit-store.js';
import { RedisMessageStateStore } from './redis-message-state-store.js';
import { RedisPresenceStore } from './redis-presence-store.js';
import { RedisRoomStore } from './redis-room-store.js';
import { RedisShards, type RedisClient } from './redis-shards.js';
import { RedisUserStatusStore } from './redis-user-status-store.js';

type RedisOptions = Extract<ResolvedBackendOptions, { type: 'redis' }>;
type Ioredis = { Redis: typeof Redis; Cluster: typeof Cluster };

/** ioredis, loaded only when the Redis backend is chosen: memory users need not install it. */
async function loadIoredis(): Promise<Ioredis> {
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

/** One command connection with where it goes (for errors), and whether the module made it. */
interface Connection {
  client: RedisClient;
  where: string;
  own: boolean;
}

/**
 * The command connections: the app's `client`, a Cluster, one server (`url`/`options`), or each
 * of `shards`. Commands fail at once while Redis is away (no offline queue), so clients get error
 * 100 and retry instead of waiting on a queue; the connections reconnect by themselves with backoff.
 */
function commandConnections(options: RedisOptions, { Redis: RedisClass, Cluster }: Ioredis): Connection[] {
  const failFast = { enableOfflineQueue: false, maxRetriesPerRequest: 1 };
  // Commands of one event-loop turn (a fan-in of publishes, presence of many clients) go out as one write.
  const pipelined = { enableAutoPipelining: true };
  const server = (target: string | Record<string, unknown>): Connection =>
    typeof target === 'string'
      ? { client: new RedisClass(target, { ...pipelined, ...options.options, ...failFast }), where: target, own: true }
      : { client: new RedisClass({ ...pipelined, ...target, ...failFast }), where: JSON.stringify(target), own: true };
  if (options.client) return [{ client: options.client as RedisClient, where: 'the given client', own: false }];
  if (options.cluster) {
    // Fail fast at both levels: the Cluster's own offline queue held every command, without end, while no node answered.
    // The app's redisOptions (password, tls...) are the nodes' too.
    const appOptions = options.cluster.options ?? {};
    const redisOptions = { ...(appOptions.redisOptions as Record<string, unknown> | undefined), ...failFast };
    const clusterOptions = { ...pipelined, ...appOptions, ...(options.shardedPubSub ? { shardedSubscribers: true } : {}), enableOfflineQueue: false, redisOptions };
    return [{ client: new Cluster(options.cluster.nodes, clusterOptions), where: `cluster ${JSON.stringify(options.cluster.nodes)}`, own: true }];
  }
  if (options.shards) return options.shards.map(server);
  return [server(options.url ?? options.options ?? 'redis://127.0.0.1:6379')];
}

const isCluster = (client: RedisClient): client is Cluster => 'nodes' in client && typeof client.nodes === 'function';

/** The pub/sub connection beside a command connection; (un)subscribe requests wait for it (an offline queue), not fail. */
function subscriberOf(client: RedisClient): RedisClient {
  return isCluster(client) ? client.duplicate([], { enableOfflineQueue: true }) : (client as Redis).duplicate({ enableOfflineQueue: true });
}

/**
 * The Redis backend: command connections (one, or one per shard) and a pub/sub duplicate of each.
 * Start-up waits for all of them, up to `startupTimeout`.
 */
export async function createRedisBackend(options: RedisOptions, presenceTtl: number): Promise<Backend> {
  const connections = commandConnections(options, await loadIoredis());
  const subscribers = connections.map(({ client }) => subscriberOf(client));
  try {
    await Promise.all(connections.flatMap(({ client, where }, i) => [ready(client, options.startupTimeout, where), ready(subscribers[i]!, options.startupTimeout, where)]));
  } catch (err) {
    for (const subscriber of subscribers) subscriber.disconnect();
    for (const { client, own } of connections) if (own) client.disconnect();
    throw err;
  }
  // Errors while running surface as failed commands (100 to clients) and reconnects; ioredis would print each otherwise.
  const quiet = () => {};
  for (const client of [...connections.map((c) => c.client), ...subscribers]) client.on('error', quiet);
  for (const subscriber of subscribers) if (isCluster(subscriber)) reportResubscribes(subscriber);
  const { prefix } = options;
  const shards = new RedisShards(connections.map((c) => c.client));
  const history = new RedisHistoryStore(shards, prefix);
  const close = async () => {
    for (const subscriber of subscribers) subscriber.disconnect();
    await Promise.all(connections.filter((c) => c.own).map(({ client }) => client.quit().catch(() => client.disconnect())));
  };
  return {
    broker: new RedisBroker({ shards, subscribers, sharded: options.shardedPubSub ?? false, close }, history, prefix),
    history,
    presence: new RedisPresenceStore(shards, prefix, presenceTtl),
    limits: new RedisLimitStore(shards, prefix),
    idempotency: new RedisIdempotencyStore(shards, prefix),
    userStatus: new RedisUserStatusStore(shards, prefix, presenceTtl),
    rooms: new RedisRoomStore(shards, prefix),
    messages: new RedisMessageStateStore(shards, prefix),
    ping: async () => {
      await Promise.all(shards.clients.map((client) => client.ping()));
    },
  };
}

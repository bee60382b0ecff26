import { checkKnownKeys, checkNumber, checkString, isRecord } from './option-checks.js';
import { StreamingOptionsError } from './streaming-options-error.js';
import type { BackendOptions, RedisBackendOptions } from './streaming-options.interface.js';

export type ResolvedBackendOptions = { type: 'memory' } | (Omit<RedisBackendOptions, 'prefix' | 'startupTimeout'> & { prefix: string; startupTimeout: number });

const REDIS_KEYS = ['type', 'url', 'options', 'cluster', 'client', 'shards', 'shardedPubSub', 'prefix', 'startupTimeout'];

export function resolveBackendOptions(value: BackendOptions | undefined): ResolvedBackendOptions {
  const backend = value ?? { type: 'memory' };
  if (!isRecord(backend as unknown)) throw new StreamingOptionsError('backend', 'must be an object');
  const type: unknown = (backend as { type?: unknown }).type;
  if (type === 'memory') {
    checkKnownKeys('backend', backend as unknown as Record<string, unknown>, ['type'], 'a backend option');
    return { type: 'memory' };
  }
  if (type !== 'redis') throw new StreamingOptionsError('backend.type', `must be 'memory' or 'redis', got ${JSON.stringify(type)}`);
  const redis = backend as RedisBackendOptions;
  checkKnownKeys('backend', redis as unknown as Record<string, unknown>, REDIS_KEYS, 'a backend option');
  checkString('backend.url', redis.url);
  if (redis.url !== undefined && !/^rediss?:\/\//.test(redis.url)) throw new StreamingOptionsError('backend.url', `must be a redis:// or rediss:// URL, got ${JSON.stringify(redis.url)}`);
  if (redis.options !== undefined && !isRecord(redis.options)) throw new StreamingOptionsError('backend.options', 'must be an object of ioredis options');
  if (redis.cluster !== undefined && (!isRecord(redis.cluster) || !Array.isArray(redis.cluster.nodes) || redis.cluster.nodes.length === 0)) {
    throw new StreamingOptionsError('backend.cluster', 'must be { nodes: [...], options? } with at least one node');
  }
  if (redis.client !== undefined && typeof (redis.client as { duplicate?: unknown }).duplicate !== 'function') {
    throw new StreamingOptionsError('backend.client', 'must be an ioredis Redis or Cluster client');
  }
  if (redis.shards !== undefined) {
    if (!Array.isArray(redis.shards) || redis.shards.length === 0) throw new StreamingOptionsError('backend.shards', 'must be a non-empty array of redis:// URLs or ioredis options');
    redis.shards.forEach((shard, i) => {
      const valid = typeof shard === 'string' ? /^rediss?:\/\//.test(shard) : isRecord(shard);
      if (!valid) throw new StreamingOptionsError(`backend.shards[${i}]`, `must be a redis:// or rediss:// URL or an object of ioredis options, got ${JSON.stringify(shard)}`);
    });
  }
  const ways = [redis.cluster, redis.client, redis.shards, redis.url ?? redis.options].filter((w) => w !== undefined).length;
  if (ways > 1) throw new StreamingOptionsError('backend', 'takes one of url/options, cluster, shards or client');
  if (redis.shardedPubSub !== undefined && typeof redis.shardedPubSub !== 'boolean') throw new StreamingOptionsError('backend.shardedPubSub', 'must be a boolean');
  const prefix = redis.prefix ?? 'streaming:';
  checkString('backend.prefix', prefix);
  const startupTimeout = redis.startupTimeout ?? 10;
  checkNumber('backend.startupTimeout', startupTimeout, 0);
  return { ...redis, prefix, startupTimeout };
}

import type { Cluster, Redis } from 'ioredis';

export type RedisClient = Redis | Cluster;

/** FNV-1a over the UTF-16 code units: a fast, well-spread 32-bit seed for `jumpHash`. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/**
 * Jump consistent hash (Lamping and Veach, 2014), with xorshift32 as its random sequence: `key`
 * lands in one of `buckets`, and growing from n to n + 1 buckets moves only 1 / (n + 1) of the keys,
 * all to the new one. So adding a shard keeps most channels' history and presence where they are.
 */
export function jumpHash(key: string, buckets: number): number {
  let x = fnv1a(key) || 1;
  let bucket = -1;
  let next = 0;
  while (next < buckets) {
    bucket = next;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    next = Math.floor((bucket + 1) * (0x80000000 / (((x >>> 0) >>> 1) + 1)));
  }
  return bucket;
}

/** What decides a key's shard: its hash tag's content (`{…}`), as for Cluster slots, or the whole key. */
export function shardKey(key: string): string {
  const open = key.indexOf('{');
  if (open === -1) return key;
  const close = key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : key;
}

/**
 * The Redis connections the stores use: one (a server, a Sentinel group or a Cluster), or several
 * independent servers (`backend.shards`) with keys spread by their hash tag. Every key of one
 * channel, room or user carries the same tag, so a script or transaction over them runs on one shard.
 */
export class RedisShards {
  constructor(readonly clients: readonly RedisClient[]) {}

  /** The index of the shard holding `key`. */
  index(key: string): number {
    return this.clients.length === 1 ? 0 : jumpHash(shardKey(key), this.clients.length);
  }

  /** The connection of the shard holding `key`. */
  for(key: string): RedisClient {
    return this.clients[this.index(key)]!;
  }
}

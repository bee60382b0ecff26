/** Where state and fan-out live: `StreamingModuleOptions.backend`. */

export interface MemoryBackendOptions {
  type: 'memory';
}
/**
 * Many nodes as one system through Redis (`ioredis`, an optional peer dependency: install it to use
 * this). One of `url`, `options` (ioredis options: Sentinel with `sentinels` and `name`), `cluster`,
 * `shards` or `client`; default `redis://127.0.0.1:6379`.
 */
export interface RedisBackendOptions {
  type: 'redis';
  /** `redis://[user:password@]host:port/db` (or `rediss://` for TLS). */
  url?: string;
  /** ioredis `RedisOptions`, with `url` or alone (Sentinel: `{ sentinels: [{ host, port }], name: 'mymaster' }`). */
  options?: Record<string, unknown>;
  /** A Redis Cluster: its seed nodes and ioredis `ClusterOptions`. A channel's keys share a slot (`{channel}` hash tags). */
  cluster?: { nodes: Array<string | { host: string; port: number }>; options?: Record<string, unknown> };
  /**
   * Independent Redis servers (URLs, or ioredis options: a Sentinel group each, say), channels and
   * other entities spread across them by consistent hashing of their name. Scales fan-out and memory
   * past one server without Cluster; every node must list the same shards in the same order.
   */
  shards?: Array<string | Record<string, unknown>>;
  /**
   * Sharded pub/sub (`SSUBSCRIBE`/`SPUBLISH`, Redis 7 and later): on a Cluster a message travels to
   * its channel's shard only, not across the whole cluster bus. Every node must agree. Default false.
   */
  shardedPubSub?: boolean;
  /** An ioredis `Redis` or `Cluster` of the app's: used as it is and left open at shutdown (the module closes only what it made). */
  client?: object;
  /** Put before every key and pub/sub channel, so that several systems share one Redis. Default `streaming:`. */
  prefix?: string;
  /** Seconds to wait for Redis at start-up before failing with the reason; 0 waits as long as it takes. Default 10. */
  startupTimeout?: number;
}

export type BackendOptions = MemoryBackendOptions | RedisBackendOptions;

import { createHash } from 'node:crypto';
import type { RedisShards } from './redis-shards.js';

/**
 * A Lua script run by its SHA1 (`EVALSHA`), sent in full (`EVAL`) only when the server does not
 * know it yet (after a restart, on a new cluster node), so each call costs one round trip. On a
 * Cluster the keys of one call must share a slot (one key, or keys with the same `{hash tag}`).
 */
export class RedisScript {
  private readonly sha: string;

  constructor(private readonly lua: string) {
    this.sha = createHash('sha1').update(lua).digest('hex');
  }

  /** Runs on the shard of the first key (all of a call's keys share its hash tag). */
  async run(shards: RedisShards, keys: string | string[], args: Array<string | number>): Promise<unknown> {
    const keyList = typeof keys === 'string' ? [keys] : keys;
    const redis = shards.for(keyList[0]!);
    try {
      return await redis.evalsha(this.sha, keyList.length, ...keyList, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return redis.eval(this.lua, keyList.length, ...keyList, ...args);
    }
  }
}

/** Milliseconds of the Redis server's clock: every node counts time alike, whatever its own clock says. */
export const LUA_NOW = `local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)`;

import { Logger, type LoggerService } from '@nestjs/common';
import type { UserStatusStore } from '../../presence/user-status-store.interface.js';
import type { UserStatus } from '../../presence/user-status.js';
import { LUA_NOW, RedisScript } from './redis-script.js';
import type { RedisShards } from './redis-shards.js';

/** Keeps the key until its latest lease ends; lapsed leases (of a node that died) are dropped first. */
const LAPSE = `redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)`;
const EXPIRE_WITH_LATEST = `local latest = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
if latest[2] then redis.call('PEXPIREAT', KEYS[1], latest[2]) end`;

/** ARGV: client, ttl ms. */
const CONNECT = new RedisScript(`${LUA_NOW}
${LAPSE}
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
${EXPIRE_WITH_LATEST}
return redis.call('ZCARD', KEYS[1])`);

const DISCONNECT = new RedisScript(`${LUA_NOW}
redis.call('ZREM', KEYS[1], ARGV[1])
${LAPSE}
return redis.call('ZCARD', KEYS[1])`);

const CONNECTIONS = new RedisScript(`${LUA_NOW}
return redis.call('ZCOUNT', KEYS[1], '(' .. now, '+inf')`);

/** ARGV: ttl ms, clients. XX: one that disconnected meanwhile is not added back. */
const REFRESH = new RedisScript(`${LUA_NOW}
${LAPSE}
for i = 2, #ARGV do
  redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[1]), ARGV[i])
end
${EXPIRE_WITH_LATEST}
return 0`);

/**
 * `UserStatusStore` in Redis. A user's connections are leases in a sorted set scored by expiry
 * (`<prefix>user-clients:{<user>}`), which this store renews for the connections it counted every
 * third of `ttl` seconds: the connections of a node that died lapse within `ttl`, and its users go
 * offline instead of staying online for ever. Statuses are one hash (`<prefix>user-statuses`,
 * user → JSON), read for many users in one `HMGET`. The client is the caller's: `close` stops
 * the renewals and leaves it open.
 */
export class RedisUserStatusStore implements UserStatusStore {
  /** The connections this node counted, by user: the ones it renews. */
  private readonly held = new Map<string, Set<string>>();
  private readonly timer: NodeJS.Timeout;
  private refreshing = false;

  constructor(
    private readonly shards: RedisShards,
    private readonly prefix: string,
    /** Seconds a connection counts without a renewal (the module's `presenceTtl`). */
    private readonly ttl = 60,
    private readonly logger: LoggerService = new Logger('Streaming'),
  ) {
    this.timer = setInterval(() => void this.refresh(), (ttl * 1000) / 3);
    this.timer.unref();
  }

  async connect(user: string, client: string): Promise<number> {
    let clients = this.held.get(user);
    if (!clients) {
      clients = new Set();
      this.held.set(user, clients);
    }
    clients.add(client);
    return Number(await CONNECT.run(this.shards, this.clientsKey(user), [client, this.ttlMs]));
  }

  async disconnect(user: string, client: string): Promise<number> {
    const clients = this.held.get(user);
    clients?.delete(client);
    if (clients?.size === 0) this.held.delete(user);
    return Number(await DISCONNECT.run(this.shards, this.clientsKey(user), [client]));
  }

  async connections(user: string): Promise<number> {
    return Number(await CONNECTIONS.run(this.shards, this.clientsKey(user), []));
  }

  async get(users: readonly string[]): Promise<Record<string, UserStatus>> {
    if (users.length === 0) return {};
    const values = await this.shards.for(this.statusesKey).hmget(this.statusesKey, ...users);
    const found: Record<string, UserStatus> = {};
    users.forEach((user, i) => {
      const value = values[i];
      if (value) found[user] = JSON.parse(value) as UserStatus;
    });
    return found;
  }

  async set(user: string, status: UserStatus): Promise<void> {
    await this.shards.for(this.statusesKey).hset(this.statusesKey, user, JSON.stringify(status));
  }

  /** One pass over the connections this node counted; a pass still running (a slow Redis) is not doubled. */
  async refresh(): Promise<void> {
    if (this.refreshing) return;
    this.refreshing = true;
    try {
      for (const [user, clients] of this.held) await REFRESH.run(this.shards, this.clientsKey(user), [this.ttlMs, ...clients]);
    } catch (err) {
      // Until the next pass, well within the ttl, the leases still count.
      this.logger.warn(`user connection leases not renewed, retried in ${Math.round(this.ttl / 3)} s: ${String(err)}`);
    } finally {
      this.refreshing = false;
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
  }

  private get ttlMs(): number {
    return Math.ceil(this.ttl * 1000);
  }

  private get statusesKey(): string {
    return `${this.prefix}user-statuses`;
  }

  private clientsKey(user: string): string {
    return `${this.prefix}user-clients:{${user}}`;
  }
}

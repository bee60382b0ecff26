import type { Redis } from 'ioredis';
import { redisClient } from './redis.js';
import { RedisServer } from './redis-server.js';
import { until } from './wait.js';

/** Data servers without persistence: a killed master stays down, the replica is promoted. */
const DATA_NODE = ['--appendonly', 'no', '--save', ''];

/**
 * A Sentinel group of the test's own on 127.0.0.1: one master, one replica (`--replicaof`), three
 * sentinels with a quorum of 2 that declare the master down after 1 s. `start` resolves once the
 * replica is in sync and every sentinel knows the replica and the two other sentinels: before
 * that, a failover could not be agreed on.
 */
export class RedisSentinelGroup {
  readonly name = 'mymaster';

  private constructor(
    readonly data: RedisServer[],
    readonly sentinels: RedisServer[],
    private readonly admins: Redis[],
  ) {}

  static async start(): Promise<RedisSentinelGroup> {
    const master = await RedisServer.start({ args: DATA_NODE });
    const group = new RedisSentinelGroup([master], [], []);
    try {
      group.data.push(await RedisServer.start({ args: [...DATA_NODE, '--replicaof', '127.0.0.1', String(master.port)] }));
      const config = [
        `sentinel monitor ${group.name} 127.0.0.1 ${master.port} 2`,
        `sentinel down-after-milliseconds ${group.name} 1000`,
        `sentinel failover-timeout ${group.name} 3000`,
        '',
      ].join('\n');
      group.sentinels.push(...(await Promise.all([1, 2, 3].map(() => RedisServer.start({ config, args: ['--sentinel'] })))));
      for (const sentinel of group.sentinels) group.admins.push(await redisClient(sentinel.url));
      await until(
        async () => {
          const views = await Promise.all(
            group.admins.map(async (admin) => {
              const replicas = (await admin.call('SENTINEL', 'REPLICAS', group.name)) as string[][];
              const others = (await admin.call('SENTINEL', 'SENTINELS', group.name)) as unknown[];
              return replicas.some((fields) => fields.includes('master-link-status') && fields[fields.indexOf('master-link-status') + 1] === 'ok') && others.length === 2;
            }),
          );
          return views.every(Boolean);
        },
        'every sentinel knows the synced replica and the other sentinels',
        20_000,
      );
      return group;
    } catch (err) {
      await group.stop();
      throw err;
    }
  }

  /** The sentinels' addresses, for ioredis' `sentinels` option. */
  get addresses(): Array<{ host: string; port: number }> {
    return this.sentinels.map((s) => ({ host: '127.0.0.1', port: s.port }));
  }

  /** The master the sentinels name now. */
  async master(): Promise<RedisServer> {
    const [, port] = (await this.admins[0]!.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', this.name)) as [string, string];
    const master = this.data.find((s) => s.port === Number(port));
    if (!master) throw new Error(`the sentinels name an unknown master on port ${port}`);
    return master;
  }

  /** Kills the master (SIGKILL) and resolves once the sentinels name the replica and it says it is a master. */
  async failOver(ms = 20_000): Promise<RedisServer> {
    const old = await this.master();
    await old.kill();
    const replica = this.data.find((s) => s !== old)!;
    const isMaster = async () => {
      // A connection per look: the sentinels close the promoted replica's clients (CLIENT KILL) to send them to the new master.
      const admin = await redisClient(replica.url);
      try {
        return (await admin.info('replication')).includes('role:master');
      } finally {
        admin.disconnect();
      }
    };
    await until(async () => (await this.master()) === replica && (await isMaster().catch(() => false)), 'the sentinels promote the replica', ms);
    return replica;
  }

  async stop(): Promise<void> {
    for (const admin of this.admins) admin.disconnect();
    await Promise.all([...this.sentinels, ...this.data].map((s) => s.stop()));
  }
}

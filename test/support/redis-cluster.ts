import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Redis } from 'ioredis';
import { redisClient } from './redis.js';
import { RedisServer } from './redis-server.js';
import { until } from './wait.js';

const run = promisify(execFile);

/** Cluster nodes without persistence: a killed master stays down, its replica takes over. */
const CLUSTER_NODE = ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '1000', '--appendonly', 'no', '--save', ''];

/**
 * A Redis Cluster of the test's own on 127.0.0.1: `masters` masters with one replica each, made by
 * `redis-cli --cluster create`; `start` resolves once every node says `cluster_state:ok` and every
 * replica is in sync with its master (a replica that never synced would not take over).
 */
export class RedisCluster {
  private constructor(
    readonly servers: RedisServer[],
    private readonly admins: Map<RedisServer, Redis>,
  ) {}

  static async start(masters = 3): Promise<RedisCluster> {
    const servers = await Promise.all(Array.from({ length: masters * 2 }, () => RedisServer.start({ args: CLUSTER_NODE })));
    const admins = new Map<RedisServer, Redis>();
    const cluster = new RedisCluster(servers, admins);
    try {
      for (const server of servers) admins.set(server, await redisClient(server.url));
      await run('redis-cli', ['--cluster', 'create', ...servers.map((s) => `127.0.0.1:${s.port}`), '--cluster-replicas', '1', '--cluster-yes']);
      await cluster.settled(20_000);
      return cluster;
    } catch (err) {
      await cluster.stop();
      throw err;
    }
  }

  /** The seed nodes for ioredis' `Cluster`. */
  get nodes(): Array<{ host: string; port: number }> {
    return this.servers.map((s) => ({ host: '127.0.0.1', port: s.port }));
  }

  /** The running master that serves `key`'s slot, by CLUSTER SLOTS on a running node. */
  async masterOf(key: string): Promise<RedisServer> {
    const admin = this.anyAdmin();
    const slot = (await admin.cluster('KEYSLOT', key)) as number;
    const ranges = await admin.cluster('SLOTS');
    const port = ranges.find(([from, to]) => from <= slot && slot <= to)?.[2]?.[1];
    const master = this.servers.find((s) => s.port === port);
    if (!master) throw new Error(`no master serves slot ${slot} of ${key}`);
    return master;
  }

  /** The running nodes' connections (CLIENT LIST lines) whose name begins with `name`. */
  async connectionsNamed(name: string): Promise<Array<{ server: RedisServer; line: string }>> {
    const found = await Promise.all([...this.admins].map(async ([server, admin]) => ((await admin.client('LIST')) as string).split('\n').map((line) => ({ server, line }))));
    return found.flat().filter(({ line }) => line.includes(` name=${name}`));
  }

  /** The running node that has a connection whose name begins with `name` subscribed to something. */
  async nodeWithSubscriber(name: string): Promise<RedisServer | undefined> {
    return (await this.connectionsNamed(name)).find(({ line }) => !line.includes(' sub=0 '))?.server;
  }

  /**
   * Kills a node (SIGKILL) and resolves once the running nodes serve every slot again (a replica
   * took over a killed master's) and say `cluster_state:ok`.
   */
  async kill(server: RedisServer, ms = 20_000): Promise<void> {
    await server.kill();
    this.admins.get(server)?.disconnect();
    this.admins.delete(server);
    const running = new Set([...this.admins.keys()].map((s) => s.port));
    await until(
      async () => {
        const ranges = await this.anyAdmin().cluster('SLOTS');
        return ranges.every(([, , master]) => running.has(master![1]));
      },
      'running nodes serve every slot',
      ms,
    );
    await this.settled(ms);
  }

  /** Every running node says `cluster_state:ok`, every running replica's link to its master is up. */
  private async settled(ms: number): Promise<void> {
    await until(
      async () => {
        const states = await Promise.all(
          [...this.admins.values()].map(async (admin) => {
            const [info, replication] = await Promise.all([admin.cluster('INFO') as Promise<string>, admin.info('replication')]);
            return info.includes('cluster_state:ok') && (replication.includes('role:master') || replication.includes('master_link_status:up'));
          }),
        );
        return states.every(Boolean);
      },
      'the cluster is ok on every node',
      ms,
    );
  }

  private anyAdmin(): Redis {
    const admin = this.admins.values().next().value;
    if (!admin) throw new Error('no cluster node runs');
    return admin;
  }

  async stop(): Promise<void> {
    for (const admin of this.admins.values()) admin.disconnect();
    this.admins.clear();
    await Promise.all(this.servers.map((s) => s.stop()));
  }
}

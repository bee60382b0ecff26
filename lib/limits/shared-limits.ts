import type { LogSummarizer } from '../logging/log-summarizer.js';
import type { LimitsOptions } from '../options/streaming-options.interface.js';
import type { LimitStore } from './limit-store.interface.js';

type RateLimits = Required<
  Pick<
    LimitsOptions,
    | 'maxConnectionsPerUser'
    | 'userCommandsPerSecond'
    | 'userCommandBurst'
    | 'channelPublicationsPerSecond'
    | 'channelPublicationBurst'
    | 'connectionAttemptsPerSecond'
    | 'connectionAttemptBurst'
  >
>;

/**
 * The limits counted in the `LimitStore`, so that they hold for every node sharing it: a user's
 * command rate, a channel's publication rate, an address's connection attempts, and a user's
 * connections (a lease per connection, renewed every third of `leaseTtl` while it lives).
 * A rate the store cannot answer admits: a store outage must not silence every client.
 */
export class SharedLimits {
  /** The leases this node holds, by user, for the refresh loop. */
  private readonly leases = new Map<string, Set<string>>();
  private timer?: NodeJS.Timeout;
  private refreshing = false;

  constructor(
    private readonly store: LimitStore,
    private readonly limits: RateLimits,
    /** Seconds a connection lease lives without a refresh: a dead node's connections stop counting within it. */
    private readonly leaseTtl: number,
    private readonly log: LogSummarizer,
  ) {}

  get userCommandRate(): boolean {
    return this.limits.userCommandsPerSecond > 0;
  }

  /** A command of an authenticated user; anonymous clients share no identity to count. */
  admitUserCommand(user: string): Promise<boolean> {
    const { userCommandsPerSecond, userCommandBurst } = this.limits;
    if (userCommandsPerSecond === 0 || user === '') return Promise.resolve(true);
    return this.admit(`user-commands:${user}`, userCommandsPerSecond, userCommandBurst);
  }

  get publicationRate(): boolean {
    return this.limits.channelPublicationsPerSecond > 0;
  }

  /** A client publication into `channel`, whoever sends it. */
  admitPublication(channel: string): Promise<boolean> {
    const { channelPublicationsPerSecond, channelPublicationBurst } = this.limits;
    if (channelPublicationsPerSecond === 0) return Promise.resolve(true);
    return this.admit(`channel-publications:${channel}`, channelPublicationsPerSecond, channelPublicationBurst);
  }

  get connectionAttemptRate(): boolean {
    return this.limits.connectionAttemptsPerSecond > 0;
  }

  admitConnectionAttempt(address: string): Promise<boolean> {
    const { connectionAttemptsPerSecond, connectionAttemptBurst } = this.limits;
    if (connectionAttemptsPerSecond === 0) return Promise.resolve(true);
    return this.admit(`connection-attempts:${address}`, connectionAttemptsPerSecond, connectionAttemptBurst);
  }

  /**
   * A lease for one more connection of `user`, false when the user holds `maxConnectionsPerUser`.
   * Unlike the rates, a store failure rejects: the connect is answered 100 and the SDK retries.
   */
  async acquireConnection(user: string, client: string): Promise<boolean> {
    const max = this.limits.maxConnectionsPerUser;
    if (max === 0 || user === '') return true;
    if (!(await this.store.acquire(connectionsKey(user), client, max, this.leaseTtl))) return false;
    let clients = this.leases.get(user);
    if (!clients) {
      clients = new Set();
      this.leases.set(user, clients);
    }
    clients.add(client);
    return true;
  }

  /** Gives the lease back; one the store failed to drop lapses within `leaseTtl`. */
  async releaseConnection(user: string, client: string): Promise<void> {
    const clients = this.leases.get(user);
    if (!clients?.delete(client)) return;
    if (clients.size === 0) this.leases.delete(user);
    try {
      await this.store.release(connectionsKey(user), client);
    } catch (err) {
      this.log.report('warn', 'limit store release', `could not release a connection of user "${user}"; it lapses within ${this.leaseTtl} s: ${String(err)}`);
    }
  }

  start(): void {
    if (this.limits.maxConnectionsPerUser === 0) return;
    this.timer = setInterval(() => void this.refresh(), (this.leaseTtl * 1000) / 3);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One pass over the node's leases; a pass still running (a slow store) is not doubled. */
  async refresh(): Promise<void> {
    if (this.refreshing) return;
    this.refreshing = true;
    try {
      for (const [user, clients] of this.leases) await this.store.refresh(connectionsKey(user), [...clients], this.leaseTtl);
    } catch (err) {
      this.log.report('warn', 'limit store refresh', `connection leases not renewed, retried in ${Math.round(this.leaseTtl / 3)} s: ${String(err)}`);
    } finally {
      this.refreshing = false;
    }
  }

  /** A token from the bucket `key`, for rates of the module's own (admin logins) beside the options' ones. */
  async admit(key: string, perSecond: number, burst: number): Promise<boolean> {
    try {
      return await this.store.take(key, perSecond, burst);
    } catch (err) {
      this.log.report('warn', 'limit store take', `rate limit not counted, admitted: ${String(err)}`);
      return true;
    }
  }
}

function connectionsKey(user: string): string {
  return `user-connections:${user}`;
}

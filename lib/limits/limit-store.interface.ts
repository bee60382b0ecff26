/**
 * The counts behind limits that span more than one connection: token buckets (a user's command
 * rate, a channel's publication rate, an address's connection attempts) and bounded sets of
 * leases (a user's connections). The memory backend counts within the process; a shared backend
 * (Redis) counts for every node at once, which makes these limits cluster-wide.
 */
export interface LimitStore {
  /** Takes a token from the bucket `key` (`burst` at most, refilled at `perSecond`); false when none is left. */
  take(key: string, perSecond: number, burst: number): Promise<boolean>;
  /**
   * Adds `member` to the set `key` unless it holds `max` live members already; true when the
   * member is in (added now, or there before). A member lapses `ttl` seconds after its last
   * acquire or refresh, so the members of a node that died stop counting.
   */
  acquire(key: string, member: string, max: number, ttl: number): Promise<boolean>;
  /** Renews the leases of members still held; a member no longer in the set is not added back. */
  refresh(key: string, members: string[], ttl: number): Promise<void>;
  release(key: string, member: string): Promise<void>;
  close(): Promise<void>;
}

/** Injection token of the node's `LimitStore` (`limits.store`, else the backend's). */
export const LIMIT_STORE = Symbol('LIMIT_STORE');

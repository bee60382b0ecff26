/** What a key holds: a run under way somewhere (on any node), or its result. */
export type IdempotencyRecord = { state: 'pending' } | { state: 'done'; result: unknown };

/**
 * Results of idempotent operations (server-side publishes with an `idempotencyKey`) by key. A
 * caller claims the key before it runs the operation; whoever finds it claimed waits for the
 * result instead of running it again. Results are JSON values, so a shared store (Redis) lets
 * every node answer a retry that lands on another node.
 */
export interface IdempotencyStore {
  /**
   * Claims `key` for `ttl` seconds unless it is held: undefined when this caller got it (and must
   * `complete` or `abandon` it), else what the key holds.
   */
  claim(key: string, ttl: number): Promise<IdempotencyRecord | undefined>;
  /** The claimed run's result, kept `ttl` seconds (the idempotency window). */
  complete(key: string, result: unknown, ttl: number): Promise<void>;
  /** The claimed run failed: the key is free again, so a retry runs. */
  abandon(key: string): Promise<void>;
  close(): Promise<void>;
}

/** Injection token of the node's `IdempotencyStore` (`idempotencyStore`, else the backend's). */
export const IDEMPOTENCY_STORE = Symbol('IDEMPOTENCY_STORE');

/** Keys remembered at most; past it the oldest go first, so a flood of keys cannot grow memory without end. */
const MAX_KEYS = 100_000;

interface Entry<T> {
  result: Promise<T>;
  expiresAt: number;
}

/**
 * Results of idempotent operations by key, for a time window: a retry with the same key within
 * the window gets the first call's result (or joins it while it runs) instead of running again.
 * A failed call is forgotten, so its retry runs.
 */
export class IdempotencyCache<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(
    private readonly windowMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  run(key: string, operation: () => Promise<T>): Promise<T> {
    const now = this.clock();
    this.evict(now);
    const known = this.entries.get(key);
    if (known) return known.result;
    const result = operation();
    const entry = { result, expiresAt: now + this.windowMs };
    this.entries.set(key, entry);
    result.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return result;
  }

  /** Entries are in insertion order and share one window, so the expired ones are at the front. */
  private evict(now: number): void {
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt > now && this.entries.size < MAX_KEYS) break;
      this.entries.delete(key);
    }
  }
}

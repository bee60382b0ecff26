import type { IdempotencyRecord, IdempotencyStore } from '../../idempotency/idempotency-store.interface.js';

/** Keys remembered at most; past it the oldest go first, so a flood of keys cannot grow memory without end. */
const MAX_KEYS = 100_000;

interface Entry {
  record: IdempotencyRecord;
  expiresAt: number;
}

/** Idempotency records of one process, in insertion order, so the oldest are evicted first. */
export class MemoryIdempotencyStore implements IdempotencyStore {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly clock: () => number = Date.now) {}

  async claim(key: string, ttl: number): Promise<IdempotencyRecord | undefined> {
    const now = this.clock();
    this.evict(now);
    const known = this.entries.get(key);
    if (known && known.expiresAt > now) return known.record;
    this.set(key, { state: 'pending' }, now + ttl * 1000);
    return undefined;
  }

  async complete(key: string, result: unknown, ttl: number): Promise<void> {
    this.set(key, { state: 'done', result }, this.clock() + ttl * 1000);
  }

  async abandon(key: string): Promise<void> {
    this.entries.delete(key);
  }

  async close(): Promise<void> {
    this.entries.clear();
  }

  /** Deleted first, so the entry moves to the end of the insertion order. */
  private set(key: string, record: IdempotencyRecord, expiresAt: number): void {
    this.entries.delete(key);
    this.entries.set(key, { record, expiresAt });
  }

  /**
   * Nearly in expiry order (a pending claim lives shorter than a result): stopping at the first
   * live entry may keep an expired one a little longer, never a live one too short.
   */
  private evict(now: number): void {
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt > now && this.entries.size < MAX_KEYS) break;
      this.entries.delete(key);
    }
  }
}

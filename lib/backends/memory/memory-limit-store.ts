import type { LimitStore } from '../../limits/limit-store.interface.js';
import { TokenBucket } from '../../limits/token-bucket.js';

/** How often refilled buckets and lapsed leases are forgotten, so spraying keys cannot grow the maps for long. */
const PRUNE_INTERVAL_MS = 10_000;

/** Counts of one process: a token bucket per key, kept only while it is not full, and leases with their expiry. */
export class MemoryLimitStore implements LimitStore {
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly leases = new Map<string, Map<string, number>>();
  private readonly pruner: NodeJS.Timeout;

  constructor(private readonly now: () => number = Date.now) {
    this.pruner = setInterval(() => this.prune(), PRUNE_INTERVAL_MS);
    this.pruner.unref();
  }

  async take(key: string, perSecond: number, burst: number): Promise<boolean> {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(perSecond, burst, this.now);
      this.buckets.set(key, bucket);
    }
    return bucket.take();
  }

  async acquire(key: string, member: string, max: number, ttl: number): Promise<boolean> {
    const now = this.now();
    let members = this.leases.get(key);
    if (members) dropLapsed(members, now);
    else members = new Map();
    if (!members.has(member) && members.size >= max) return false;
    members.set(member, now + ttl * 1000);
    this.leases.set(key, members);
    return true;
  }

  async refresh(key: string, members: string[], ttl: number): Promise<void> {
    const held = this.leases.get(key);
    if (!held) return;
    const expiresAt = this.now() + ttl * 1000;
    for (const member of members) if (held.has(member)) held.set(member, expiresAt);
  }

  async release(key: string, member: string): Promise<void> {
    const members = this.leases.get(key);
    if (!members?.delete(member)) return;
    if (members.size === 0) this.leases.delete(key);
  }

  private prune(): void {
    for (const [key, bucket] of this.buckets) if (bucket.isFull()) this.buckets.delete(key);
    const now = this.now();
    for (const [key, members] of this.leases) {
      dropLapsed(members, now);
      if (members.size === 0) this.leases.delete(key);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.pruner);
    this.buckets.clear();
    this.leases.clear();
  }
}

function dropLapsed(members: Map<string, number>, now: number): void {
  for (const [member, expiresAt] of members) if (expiresAt <= now) members.delete(member);
}

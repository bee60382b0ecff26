import { TokenBucket } from './token-bucket.js';

/** How often buckets that refilled are forgotten, so spraying addresses cannot grow the map for long. */
const PRUNE_INTERVAL_MS = 10_000;

/** Connection attempts per remote address: a token bucket each, kept only while it is not full. */
export class AddressRateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly pruner: NodeJS.Timeout;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {
    this.pruner = setInterval(() => this.prune(), PRUNE_INTERVAL_MS);
    this.pruner.unref();
  }

  admit(address: string): boolean {
    let bucket = this.buckets.get(address);
    if (!bucket) {
      bucket = new TokenBucket(this.perSecond, this.burst, this.now);
      this.buckets.set(address, bucket);
    }
    return bucket.take();
  }

  private prune(): void {
    for (const [address, bucket] of this.buckets) if (bucket.isFull()) this.buckets.delete(address);
  }

  close(): void {
    clearInterval(this.pruner);
    this.buckets.clear();
  }
}

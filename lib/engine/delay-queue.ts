/** Time and timers, injectable so that a test can run a `DelayQueue` on a clock of its own. */
export interface TimerClock {
  /** Milliseconds on a monotonic clock. */
  now(): number;
  setTimer(callback: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

/** Real time; the timers never hold the process open (a keep-alive must not keep Node alive). */
export const realClock: TimerClock = {
  now: () => performance.now(),
  setTimer: (callback, ms) => setTimeout(callback, ms).unref(),
  clearTimer: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * Entries that each fire once, the same fixed delay after they were (re)added, on one timer for
 * all of them. A `setTimeout` per connection costs a `Timeout`, a closure and its context (about
 * 230 bytes of heap); here an entry is one slot of a Map. Since every entry waits the same delay,
 * the Map's insertion order is the order they fall due: the timer waits for the first one only,
 * and firing walks from the front. An entry fires exactly at its due time (never early, late only
 * by the event loop), as its own timer would.
 */
export class DelayQueue<T> {
  /** Entry → due time, oldest first. */
  private readonly due = new Map<T, number>();
  private timer: unknown = undefined;

  constructor(
    private readonly delayMs: number,
    private readonly fire: (entry: T) => void,
    private readonly clock: TimerClock = realClock,
  ) {}

  get size(): number {
    return this.due.size;
  }

  /** Starts the entry's delay from now; an entry already waiting starts over. */
  add(entry: T): void {
    // Deleted first: set() on a present key would keep its old place in the order.
    this.due.delete(entry);
    // Whole milliseconds: a small integer is kept in the Map's table, a fraction would be a heap number of its own.
    this.due.set(entry, Math.ceil(this.clock.now() + this.delayMs));
    if (this.timer === undefined) this.arm();
  }

  /** The entry will not fire (unless added again); false when it was not waiting. */
  delete(entry: T): boolean {
    if (!this.due.delete(entry)) return false;
    if (this.due.size > 0) return true;
    // Nothing left to wait for. With entries left the timer stays: when it fires early it finds
    // the new first entry not due yet and waits for that one.
    this.clock.clearTimer(this.timer);
    this.timer = undefined;
    return true;
  }

  private arm(): void {
    const first = this.due.values().next();
    this.timer = first.done ? undefined : this.clock.setTimer(this.run, Math.max(1, Math.ceil(first.value - this.clock.now())));
  }

  private readonly run = (): void => {
    const now = this.clock.now();
    try {
      // An entry that `fire` adds again goes to the back, due a whole delay from now: the walk stops before it.
      for (const [entry, due] of this.due) {
        if (due > now) break;
        this.due.delete(entry);
        this.fire(entry);
      }
    } finally {
      this.arm();
    }
  };
}

/** A queue with writes to flush (`OutboundQueue`). */
export interface Flushable {
  flush(): void;
}

/**
 * One timer for every queue with pending writes, instead of one per queue: `setImmediate` (a frame
 * per event-loop turn) or, with `delivery.maxDelay`, a timeout started by the first message that
 * finds no flush coming, so no message waits longer than the delay.
 */
export class FlushScheduler {
  // A list, not a Set: a queue asks only when its first message arrives, so at most once between
  // two flushes, and refilling a Set with every subscriber each turn made queueing 4× dearer.
  // Queues asking while a flush runs go to the next list, with their own turn.
  private queues: Flushable[] = [];
  // The list of the flush before, emptied and kept: refilling a fresh array with every subscriber
  // of a fan-out grew (and copied) its backing store a dozen times per turn.
  private spare: Flushable[] = [];
  private afterRun: Array<() => void> = [];

  constructor(private readonly maxDelayMs = 0) {}

  schedule(queue: Flushable): void {
    if (this.queues.push(queue) === 1 && this.afterRun.length === 0) this.arm();
  }

  /** Runs `callback` once what is queued now has been written (metrics time publications with it). */
  afterFlush(callback: () => void): void {
    if (this.afterRun.push(callback) === 1 && this.queues.length === 0) this.arm();
  }

  private arm(): void {
    if (this.maxDelayMs > 0) setTimeout(this.run, this.maxDelayMs);
    else setImmediate(this.run);
  }

  private readonly run = (): void => {
    const queues = this.queues;
    const afterRun = this.afterRun;
    this.queues = this.spare;
    this.afterRun = [];
    try {
      for (const queue of queues) queue.flush();
    } finally {
      queues.length = 0;
      this.spare = queues;
    }
    for (const callback of afterRun) callback();
  };
}

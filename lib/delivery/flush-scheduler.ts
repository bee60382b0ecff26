/** A queue with writes to flush (`Flushable`). */
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

  constructor(private readonly maxDelayMs = 0) {}

  schedule(queue: Flushable): void {
    if (this.queues.push(queue) !== 1) return;
    if (this.maxDelayMs > 0) setTimeout(this.run, this.maxDelayMs);
    else setImmediate(this.run);
  }

  private readonly run = (): void => {
    const queues = this.queues;
    this.queues = [];
    for (const queue of queues) queue.flush();
  };
}

import type { OutboundQueue } from './outbound-queue.js';

/** One setImmediate per tick for every queue with pending writes, instead of one per queue. */
export class FlushScheduler {
  private readonly queues = new Set<OutboundQueue>();
  private scheduled = false;

  schedule(queue: OutboundQueue): void {
    this.queues.add(queue);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.run());
  }

  private run(): void {
    this.scheduled = false;
    for (const queue of this.queues) queue.flush();
    this.queues.clear();
  }
}

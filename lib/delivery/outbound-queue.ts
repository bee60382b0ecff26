import type { Codec } from '../protocol/codec.js';
import type { Connection } from './connection.interface.js';
import type { FlushScheduler } from './flush-scheduler.js';
import type { BudgetedQueue, QueueBudget } from './queue-budget.js';

/**
 * Messages for one connection, written as one frame per tick: replies and publications produced
 * while handling one event share a WebSocket frame.
 */
export class OutboundQueue implements BudgetedQueue {
  private pending: Buffer[] = [];
  private closed = false;
  /** What the budget last heard from us: most writes leave nothing behind, and then say nothing. */
  private reported = 0;

  constructor(
    private readonly connection: Connection,
    private readonly codec: Codec,
    private readonly scheduler: FlushScheduler,
    private readonly maxQueueSize: number,
    private readonly onSlow: () => void,
    private readonly budget: QueueBudget,
  ) {}

  push(message: Buffer): void {
    if (this.closed) return;
    this.pending.push(message);
    if (this.pending.length === 1) this.scheduler.schedule(this);
  }

  flush(): void {
    if (this.closed || this.pending.length === 0) return;
    const frame = this.codec.join(this.pending);
    this.pending = [];
    this.connection.send(frame);
    const buffered = this.connection.bufferedAmount();
    if (buffered > this.maxQueueSize) this.onSlow();
    else if (buffered !== this.reported) {
      this.reported = buffered;
      this.budget.update(this, buffered);
    }
  }

  /** Asked by the budget when it refreshes: what it learns here is what it holds for us. */
  bufferedAmount(): number {
    this.reported = this.connection.bufferedAmount();
    return this.reported;
  }

  cut(): void {
    this.onSlow();
  }

  /** Writes what is pending, then stops accepting messages. */
  close(): void {
    this.flush();
    this.closed = true;
    this.pending = [];
    this.budget.remove(this);
  }
}

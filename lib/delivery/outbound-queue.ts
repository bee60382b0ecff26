import type { ResolvedStreamingOptions } from '../options/resolve-options.js';
import type { Codec } from '../protocol/codec.js';
import type { Connection } from './connection.interface.js';
import type { FlushScheduler } from './flush-scheduler.js';
import type { Priority } from './priority.js';
import type { BudgetedQueue, QueueBudget } from './queue-budget.js';

/** A connection's limits, in bytes of its socket's buffer and of one frame. */
export interface QueueLimits {
  /** Buffered past this after a write: the connection is cut as slow. */
  maxQueueSize: number;
  /** Buffered past this: low-priority messages are dropped. */
  lowPriorityQueueSize: number;
  /** Bytes of one frame, separators included; 0: no cap. */
  maxBatchBytes: number;
  /** 0: no cap. */
  maxBatchMessages: number;
}

export function queueLimits(options: ResolvedStreamingOptions): QueueLimits {
  const { maxBatchBytes, maxBatchMessages, lowPriorityQueueSize } = options.delivery;
  return { maxQueueSize: options.websocket.maxQueueSize, lowPriorityQueueSize, maxBatchBytes, maxBatchMessages };
}

/** The connection a queue writes to (the session's core), which cuts it as slow (3008) when told. */
export interface QueueOwner {
  readonly connection: Connection;
  readonly codec: Codec;
  /** The socket holds more than `maxQueueSize` after a write. */
  cutSlow(): void;
}

/** What every queue of a node shares: one object, not three fields per connection. */
export interface SharedQueueParts {
  readonly scheduler: FlushScheduler;
  readonly limits: QueueLimits;
  readonly budget: QueueBudget;
}

/**
 * Messages for one connection, written as one frame per flush: replies and publications produced
 * while handling one event share a WebSocket frame. A frame that would pass the batch caps is
 * written at once and the next message starts a new one.
 */
export class OutboundQueue implements BudgetedQueue {
  // The one message of a frame alone, an array only from the second on: a paced publication is
  // one message per connection and turn, and an array for it cost an allocation per delivery.
  private pending: Buffer | Buffer[] | undefined = undefined;
  private pendingCount = 0;
  private pendingBytes = 0;
  private scheduled = false;
  private closed = false;
  /** What the budget last heard from us: most writes leave nothing behind, and then say nothing. */
  private reported = 0;

  constructor(
    private readonly owner: QueueOwner,
    private readonly shared: SharedQueueParts,
  ) {}

  push(message: Buffer, priority: Priority = 'normal'): void {
    if (this.closed) return;
    const { limits } = this.shared;
    if (priority === 'low' && this.owner.connection.bufferedAmount() > limits.lowPriorityQueueSize) {
      this.shared.budget.countDropped();
      return;
    }
    const { maxBatchBytes, maxBatchMessages } = limits;
    // The frame's size: the messages and one separator between two.
    if (maxBatchBytes > 0 && this.pendingCount > 0 && this.pendingBytes + 1 + message.length > maxBatchBytes) this.write();
    this.pendingBytes += (this.pendingCount > 0 ? 1 : 0) + message.length;
    if (this.pendingCount === 0) this.pending = message;
    else if (this.pendingCount === 1) this.pending = [this.pending as Buffer, message];
    else (this.pending as Buffer[]).push(message);
    this.pendingCount++;
    if (maxBatchMessages > 0 && this.pendingCount >= maxBatchMessages) this.write();
    else if (maxBatchBytes > 0 && this.pendingBytes >= maxBatchBytes) this.write();
    else if (!this.scheduled) {
      this.scheduled = true;
      this.shared.scheduler.schedule(this);
    }
  }

  /** The scheduler's turn: everything pending leaves as one frame. */
  flush(): void {
    this.scheduled = false;
    this.write();
  }

  private write(): void {
    if (this.closed || this.pendingCount === 0) return;
    const { owner } = this;
    const frame = this.pendingCount === 1 ? (this.pending as Buffer) : owner.codec.join(this.pending as Buffer[]);
    this.pending = undefined;
    this.pendingCount = 0;
    this.pendingBytes = 0;
    owner.connection.send(frame);
    const buffered = owner.connection.bufferedAmount();
    if (buffered > this.shared.limits.maxQueueSize) owner.cutSlow();
    else if (buffered !== this.reported) {
      this.reported = buffered;
      this.shared.budget.update(this, buffered);
    }
  }

  /** Asked by the budget when it refreshes: what it learns here is what it holds for us. */
  bufferedAmount(): number {
    this.reported = this.owner.connection.bufferedAmount();
    return this.reported;
  }

  cut(): void {
    this.owner.cutSlow();
  }

  /** Writes what is pending, then stops accepting messages. */
  close(): void {
    this.write();
    this.closed = true;
    this.pending = undefined;
    this.pendingCount = 0;
    this.shared.budget.remove(this);
  }
}

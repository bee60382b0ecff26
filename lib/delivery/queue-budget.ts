/** What the budget needs of a connection's queue. */
export interface BudgetedQueue {
  /** Bytes written to the connection and not yet handed to the OS. */
  bufferedAmount(): number;
  /** Over budget: the connection is disconnected as slow. */
  cut(): void;
}

/**
 * One budget for the bytes queued to all connections of a node (`limits.maxQueuedBytes`): each
 * connection's own limit bounds one stalled reader, this bounds a hundred. Only queues holding
 * bytes after their last write are tracked, so the common case (everything written at once)
 * costs a map lookup.
 */
export class QueueBudget {
  private readonly queued = new Map<BudgetedQueue, number>();
  private total = 0;
  private enforcing = false;
  private dropped = 0;

  constructor(
    private readonly max: number,
    private readonly onDropped: () => void = () => {},
  ) {}

  /** After a write: what the queue holds now. Over the budget, the slowest queues are cut. */
  update(queue: BudgetedQueue, bytes: number): void {
    this.set(queue, bytes);
    if (this.max > 0 && this.total > this.max && !this.enforcing) this.enforce();
  }

  remove(queue: BudgetedQueue): void {
    this.set(queue, 0);
  }

  /** A low-priority message was dropped for a connection whose socket held too much. */
  countDropped(): void {
    this.dropped++;
    this.onDropped();
  }

  /** Low-priority messages dropped on this node since it started. */
  droppedMessages(): number {
    return this.dropped;
  }

  /** Bytes queued on this node now. */
  queuedBytes(): number {
    this.refresh();
    return this.total;
  }

  private set(queue: BudgetedQueue, bytes: number): void {
    this.total += bytes - (this.queued.get(queue) ?? 0);
    if (bytes > 0) this.queued.set(queue, bytes);
    else this.queued.delete(queue);
  }

  /** Queues drain without telling us: counts are refreshed before anyone is cut for them. */
  private refresh(): void {
    for (const queue of [...this.queued.keys()]) this.set(queue, queue.bufferedAmount());
  }

  private enforce(): void {
    this.enforcing = true;
    try {
      this.refresh();
      const slowestFirst = [...this.queued].sort((a, b) => b[1] - a[1]);
      for (const [queue] of slowestFirst) {
        if (this.total <= this.max) break;
        // Its bytes go with its socket, promptly destroyed after the close frame's short chance.
        this.remove(queue);
        queue.cut();
      }
    } finally {
      this.enforcing = false;
    }
  }
}

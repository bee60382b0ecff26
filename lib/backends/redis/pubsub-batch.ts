type Waiter = { resolve: () => void; reject: (err: unknown) => void };

/** Sends one batch: the channels to subscribe and those to unsubscribe. */
export type SendBatch = (subscribe: string[], unsubscribe: string[]) => Promise<void>;

/**
 * The subscribe and unsubscribe requests of one turn of the event loop, sent together: a node that
 * gains thousands of channels at once (clients reconnecting after a restart) sends one SUBSCRIBE of
 * many channels, not thousands of commands. For a channel asked both ways in one turn the last
 * request wins, as it is the state the node wants; every request's promise settles with its batch.
 * Batches go out in order, and Redis answers a connection's commands in order, so a later batch
 * cannot overtake an earlier one.
 */
export class PubSubBatch {
  private pending = new Map<string, { subscribe: boolean; waiters: Waiter[] }>();

  constructor(
    private readonly send: SendBatch,
    /** Runs the flush later; `setImmediate` gathers requests from every socket read of this turn. */
    private readonly defer: (flush: () => void) => void = setImmediate,
  ) {}

  subscribe(channel: string): Promise<void> {
    return this.request(channel, true);
  }

  unsubscribe(channel: string): Promise<void> {
    return this.request(channel, false);
  }

  private request(channel: string, subscribe: boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.pending.size === 0) this.defer(() => void this.flush());
      const entry = this.pending.get(channel);
      if (entry) {
        entry.subscribe = subscribe;
        entry.waiters.push({ resolve, reject });
      } else {
        this.pending.set(channel, { subscribe, waiters: [{ resolve, reject }] });
      }
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = new Map();
    const on: string[] = [];
    const off: string[] = [];
    for (const [channel, entry] of batch) (entry.subscribe ? on : off).push(channel);
    let failure: { err: unknown } | undefined;
    try {
      await this.send(on, off);
    } catch (err) {
      failure = { err };
    }
    for (const entry of batch.values()) {
      for (const waiter of entry.waiters) {
        if (failure) waiter.reject(failure.err);
        else waiter.resolve();
      }
    }
  }
}

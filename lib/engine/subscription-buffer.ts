import type { Publication } from '../protocol/frames.js';

/**
 * Publications of a channel arriving while its subscribe reply is being built. A subscription
 * starts `buffering`; once the reply is out it goes `live` and publications are pushed directly.
 */
export class SubscriptionBuffer {
  private state: 'buffering' | 'live' = 'buffering';
  // Made by the first publication held: most subscriptions hold none, and a live one never again.
  private pending: Publication[] | undefined = undefined;

  get live(): boolean {
    return this.state === 'live';
  }

  /** Keeps the publication while buffering; returns true when it should be delivered now instead. */
  offer(publication: Publication): boolean {
    if (this.state === 'live') return true;
    (this.pending ??= []).push(publication);
    return false;
  }

  /** What was kept so far, emptying the buffer; it keeps buffering. */
  take(): Publication[] {
    const taken = this.pending ?? [];
    this.pending = undefined;
    return taken;
  }

  /** Stops buffering; returns what was kept. */
  goLive(): Publication[] {
    this.state = 'live';
    return this.take();
  }
}

/**
 * The buffer of every live subscription: once live a buffer holds nothing and never changes again,
 * so one serves them all, and a subscription's own goes with its subscribe.
 */
export const LIVE_BUFFER = new SubscriptionBuffer();
LIVE_BUFFER.goLive();

import type { Subscription } from './subscription.js';

/**
 * A session's subscriptions by channel, in the order they were made. Most connections hold one or
 * none: that one is a field, and a Map is made only for the second (a Map holding one entry costs
 * about 180 bytes, its table having room for four).
 */
export class SubscriptionMap {
  private one: Subscription | undefined = undefined;
  private many: Map<string, Subscription> | undefined = undefined;

  get size(): number {
    return this.many ? this.many.size : this.one ? 1 : 0;
  }

  get(channel: string): Subscription | undefined {
    if (this.many) return this.many.get(channel);
    return this.one?.channel === channel ? this.one : undefined;
  }

  has(channel: string): boolean {
    return this.get(channel) !== undefined;
  }

  /** Adds the subscription under its channel, replacing one there. */
  add(sub: Subscription): void {
    if (this.many) this.many.set(sub.channel, sub);
    else if (!this.one || this.one.channel === sub.channel) this.one = sub;
    else {
      this.many = new Map([
        [this.one.channel, this.one],
        [sub.channel, sub],
      ]);
      this.one = undefined;
    }
  }

  delete(channel: string): boolean {
    if (this.many) return this.many.delete(channel);
    if (this.one?.channel !== channel) return false;
    this.one = undefined;
    return true;
  }

  channels(): string[] {
    if (this.many) return [...this.many.keys()];
    return this.one ? [this.one.channel] : [];
  }

  list(): Subscription[] {
    if (this.many) return [...this.many.values()];
    return this.one ? [this.one] : [];
  }
}

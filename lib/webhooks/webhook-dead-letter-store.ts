import type { StreamingEventName } from '../events/streaming-events.js';

/** A webhook delivery that failed for good. */
export interface WebhookDeadLetter {
  /** The delivery id (`X-Streaming-Delivery`), kept when it is replayed. */
  id: string;
  url: string;
  event: StreamingEventName;
  /** The request body as it was sent. */
  body: string;
  attempts: number;
  /** Why the last attempt failed. */
  error: string;
  failedAt: Date;
}

/** Dead letters in memory, the oldest dropped past `max`. */
export class WebhookDeadLetterStore {
  private readonly letters = new Map<string, WebhookDeadLetter>();

  constructor(private readonly max: number) {}

  /** Returns the letter dropped to make room, if one was. */
  add(letter: WebhookDeadLetter): WebhookDeadLetter | undefined {
    this.letters.delete(letter.id);
    this.letters.set(letter.id, letter);
    if (this.letters.size <= this.max) return undefined;
    const oldest = this.letters.values().next().value!;
    this.letters.delete(oldest.id);
    return oldest;
  }

  list(): WebhookDeadLetter[] {
    return [...this.letters.values()];
  }

  /** Removes and returns the letters with these ids (all, without ids). */
  take(ids?: readonly string[]): WebhookDeadLetter[] {
    const taken = ids ? ids.map((id) => this.letters.get(id)).filter((l) => l !== undefined) : this.list();
    for (const letter of taken) this.letters.delete(letter.id);
    return taken;
  }
}

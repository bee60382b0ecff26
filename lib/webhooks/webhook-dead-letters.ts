import { Injectable } from '@nestjs/common';
import type { WebhookDeadLetter } from './webhook-dead-letter-store.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';

/** The webhook deliveries that failed for good, to inspect and send again. */
@Injectable()
export class WebhookDeadLetters {
  constructor(private readonly dispatcher: WebhookDispatcher) {}

  /** Oldest first. */
  list(): WebhookDeadLetter[] {
    return this.dispatcher.deadLetters.list();
  }

  /** Sends these dead letters (all, without ids) again, each with its full number of attempts; returns how many were queued. */
  replay(ids?: readonly string[]): number {
    return this.dispatcher.replay(ids);
  }

  /** Forgets these dead letters (all, without ids); returns how many there were. */
  discard(ids?: readonly string[]): number {
    return this.dispatcher.deadLetters.take(ids).length;
  }
}

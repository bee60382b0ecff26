import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { StreamingEvent, StreamingEventName } from '../events/streaming-events.js';
import type { StreamingObserver } from '../events/streaming-observer.interface.js';
import type { ResolvedStreamingOptions } from '../options/resolve-options.js';
import type { ResolvedWebhookEndpoint, ResolvedWebhooksOptions } from '../options/resolve-webhooks-options.js';
import { STREAMING_OPTIONS } from '../streaming.constants.js';
import { WarningThrottle } from './warning-throttle.js';
import { WebhookDeadLetterStore, type WebhookDeadLetter } from './webhook-dead-letter-store.js';
import { signWebhook, WebhookHeaders } from './webhook-signature.js';

interface Delivery {
  id: string;
  event: StreamingEventName;
  body: string;
  attempts: number;
}

interface EndpointQueue {
  endpoint: ResolvedWebhookEndpoint;
  pending: Delivery[];
  active: number;
}

/** Statuses worth another attempt: the receiver is busy, overloaded or failing, not refusing. */
function retryable(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * Sends the node's events to the configured endpoints: a bounded queue, a few deliveries at once
 * per endpoint, retries with exponential backoff, and the deliveries that fail for good kept as
 * dead letters for `WebhookDeadLetters.replay`.
 */
@Injectable()
export class WebhookDispatcher implements StreamingObserver, OnApplicationShutdown {
  private readonly logger = new Logger('Streaming');
  private readonly options?: ResolvedWebhooksOptions;
  private readonly queues: EndpointQueue[];
  private readonly byUrl = new Map<string, EndpointQueue>();
  readonly deadLetters: WebhookDeadLetterStore;
  /** Deliveries waiting or in flight, all endpoints. */
  private queued = 0;
  private readonly closing = new AbortController();
  private readonly warnings = new WarningThrottle(this.logger);

  constructor(@Inject(STREAMING_OPTIONS) private readonly streamingOptions: ResolvedStreamingOptions) {
    this.options = streamingOptions.webhooks;
    this.queues = (this.options?.endpoints ?? []).map((endpoint) => ({ endpoint, pending: [], active: 0 }));
    for (const queue of this.queues) this.byUrl.set(queue.endpoint.url, queue);
    this.deadLetters = new WebhookDeadLetterStore(this.options?.maxDeadLetters ?? 1);
  }

  get enabled(): boolean {
    return this.queues.length > 0;
  }

  observe(event: StreamingEvent): void {
    if (this.closing.signal.aborted) return;
    for (const queue of this.queues) {
      if (!queue.endpoint.events.has(event.name)) continue;
      const id = randomUUID();
      const body = JSON.stringify({ id, event: event.name, node: this.streamingOptions.nodeName, time: Date.now(), payload: event.payload });
      this.enqueue(queue, { id, event: event.name, body, attempts: 0 });
    }
  }

  /**
   * Queues dead letters again with fresh attempts; returns how many were queued. Letters of an
   * endpoint no longer configured stay, and those the full queue cannot take are dead letters again.
   */
  replay(ids?: readonly string[]): number {
    let replayed = 0;
    for (const letter of this.deadLetters.take(ids)) {
      const queue = this.byUrl.get(letter.url);
      if (!queue) {
        this.deadLetters.add(letter);
        continue;
      }
      if (this.enqueue(queue, { id: letter.id, event: letter.event, body: letter.body, attempts: 0 })) replayed++;
    }
    return replayed;
  }

  onApplicationShutdown(): void {
    this.closing.abort();
    if (this.queued > 0) this.logger.warn(`${this.queued} webhook deliveries not sent: the application is shutting down`);
  }

  /** False when the queue is full: the delivery went to the dead letters instead. */
  private enqueue(queue: EndpointQueue, delivery: Delivery): boolean {
    if (this.queued >= this.options!.maxQueueSize) {
      this.bury(queue, delivery, `queue full (${this.options!.maxQueueSize} deliveries waiting)`);
      return false;
    }
    this.queued++;
    queue.pending.push(delivery);
    this.pump(queue);
    return true;
  }

  private pump(queue: EndpointQueue): void {
    while (queue.active < this.options!.concurrency && queue.pending.length > 0) {
      const delivery = queue.pending.shift()!;
      queue.active++;
      void this.deliver(queue, delivery).finally(() => {
        queue.active--;
        this.queued--;
        this.pump(queue);
      });
    }
  }

  private async deliver(queue: EndpointQueue, delivery: Delivery): Promise<void> {
    const { maxAttempts, initialBackoff, maxBackoff } = this.options!;
    for (;;) {
      if (this.closing.signal.aborted) return;
      delivery.attempts++;
      const failure = await this.attempt(queue.endpoint, delivery);
      if (failure === undefined) return;
      if (this.closing.signal.aborted) return;
      if (!failure.retry || delivery.attempts >= maxAttempts) {
        this.bury(queue, delivery, failure.reason);
        return;
      }
      this.logger.debug(`webhook ${delivery.event} ${delivery.id} to ${queue.endpoint.url}: attempt ${delivery.attempts} failed (${failure.reason}), retrying`);
      await this.sleep(Math.min(maxBackoff, initialBackoff * 2 ** (delivery.attempts - 1)));
    }
  }

  /** One POST; undefined when the receiver took it (2xx). */
  private async attempt(endpoint: ResolvedWebhookEndpoint, delivery: Delivery): Promise<{ reason: string; retry: boolean } | undefined> {
    const timestamp = String(Math.floor(Date.now() / 1000));
    try {
      const response = await fetch(endpoint.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'streaming-webhooks',
          [WebhookHeaders.Event]: delivery.event,
          [WebhookHeaders.Delivery]: delivery.id,
          [WebhookHeaders.Attempt]: String(delivery.attempts),
          [WebhookHeaders.Timestamp]: timestamp,
          [WebhookHeaders.Signature]: signWebhook(endpoint.secret, timestamp, delivery.body),
        },
        body: delivery.body,
        redirect: 'manual',
        signal: AbortSignal.any([AbortSignal.timeout(this.options!.timeout), this.closing.signal]),
      });
      await response.body?.cancel();
      if (response.ok) return undefined;
      return { reason: `HTTP ${response.status}`, retry: retryable(response.status) };
    } catch (err) {
      // By name: the DOMException fetch rejects with need not be an Error of this realm.
      const reason = (err as { name?: unknown }).name === 'TimeoutError' ? `no answer in ${this.options!.timeout} ms` : describe(err);
      return { reason, retry: true };
    }
  }

  private bury(queue: EndpointQueue, delivery: Delivery, error: string): void {
    const letter: WebhookDeadLetter = {
      id: delivery.id,
      url: queue.endpoint.url,
      event: delivery.event,
      body: delivery.body,
      attempts: delivery.attempts,
      error,
      failedAt: new Date(),
    };
    this.warnings.warn(
      `dead letter ${letter.url}`,
      `webhook ${delivery.event} ${delivery.id} to ${letter.url} failed after ${delivery.attempts} attempt(s): ${error}; kept as a dead letter`,
    );
    const dropped = this.deadLetters.add(letter);
    if (dropped) this.warnings.warn('dropped', `webhook dead letter ${dropped.id} (${dropped.event}) dropped: over ${this.options!.maxDeadLetters} kept`);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const signal = this.closing.signal;
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done);
    });
  }
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as { cause?: unknown }).cause;
  return cause instanceof Error ? `${err.message}: ${cause.message}` : err.message;
}

import type { StreamingEvent } from './streaming-events.js';

/**
 * Something that watches the node: the app-event emitter and webhooks today, metrics later.
 * `observe` is called synchronously on the engine's path: it must not block, and what it throws
 * is logged and otherwise ignored.
 */
export interface StreamingObserver {
  observe(event: StreamingEvent): void;
}

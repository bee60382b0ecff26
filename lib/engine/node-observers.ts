import type { LoggerService } from '@nestjs/common';
import type { StreamingEvent } from '../events/streaming-events.js';
import type { StreamingObserver } from '../events/streaming-observer.interface.js';

/** Everything that watches a node; the one place events leave the engine. */
export class NodeObservers {
  constructor(
    private observers: readonly StreamingObserver[],
    private readonly logger: LoggerService,
  ) {}

  add(observer: StreamingObserver): void {
    this.observers = [...this.observers, observer];
  }

  /** An observer's fault is logged, never the engine's problem. */
  emit(event: StreamingEvent): void {
    for (const observer of this.observers) {
      try {
        observer.observe(event);
      } catch (err) {
        this.logger.error(`observer of ${event.name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      }
    }
  }
}

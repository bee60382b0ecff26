import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { StreamingEvent } from './streaming-events.js';
import type { StreamingObserver } from './streaming-observer.interface.js';

interface Emitter {
  emitAsync(event: string, ...values: unknown[]): Promise<unknown[]> | boolean;
}

/**
 * Emits the node's events on the app's `EventEmitter2` (`@OnEvent('streaming.connected')`), when
 * `@nestjs/event-emitter` is installed and `EventEmitterModule.forRoot()` imported; otherwise it
 * stays silent. An optional peer, so it is looked up at start-up rather than imported.
 */
@Injectable()
export class EventEmitterObserver implements StreamingObserver, OnModuleInit {
  private readonly logger = new Logger('Streaming');
  private emitter?: Emitter;

  constructor(private readonly moduleRef: ModuleRef) {}

  async onModuleInit(): Promise<void> {
    let eventEmitter: typeof import('@nestjs/event-emitter');
    try {
      eventEmitter = await import('@nestjs/event-emitter');
    } catch (err) {
      if ((err as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw err;
      return;
    }
    try {
      this.emitter = this.moduleRef.get(eventEmitter.EventEmitter2, { strict: false });
    } catch {
      this.logger.debug('@nestjs/event-emitter is installed but EventEmitterModule is not imported: no app events');
    }
  }

  /**
   * Listeners run now, as with `emit`; `emitAsync` only lets us see their failures: Nest wraps
   * every `@OnEvent` method in an async function, so a listener that throws (with
   * `suppressErrors: false`) rejects a promise that `emit` would leave unhandled.
   */
  observe(event: StreamingEvent): void {
    if (!this.emitter) return;
    Promise.resolve(this.emitter.emitAsync(event.name, event.payload)).catch((err: unknown) => {
      this.logger.error(`a listener of ${event.name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    });
  }
}

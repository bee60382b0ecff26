import type { LoggerService } from '@nestjs/common';
import { ErrorCode } from '../protocol/codes.js';
import { StreamingError } from '../protocol/protocol-error.js';
import type { IdempotencyStore } from './idempotency-store.interface.js';

/**
 * Seconds a claim holds while its run is under way: long enough for any publish, short enough
 * that a node dying mid-run does not block its key for the whole window.
 */
const CLAIM_TTL = 30;
/** How often a caller that found the key claimed on another node looks for the result. */
const POLL_MS = 25;

/**
 * Idempotent operations by key over an `IdempotencyStore`: the first call within `windowSeconds`
 * runs, and its retries (on this node or, with a shared store, any) get its result. Calls on this
 * node join a run under way without asking the store; a failed run is forgotten, so its retry runs.
 */
export class IdempotentRuns<T> {
  private readonly running = new Map<string, Promise<T>>();

  constructor(
    private readonly store: IdempotencyStore,
    private readonly windowSeconds: number,
    private readonly logger: LoggerService,
  ) {}

  run(key: string, operation: () => Promise<T>): Promise<T> {
    const local = this.running.get(key);
    if (local) return local;
    const result = this.settle(key, operation).finally(() => this.running.delete(key));
    this.running.set(key, result);
    return result;
  }

  private async settle(key: string, operation: () => Promise<T>): Promise<T> {
    const giveUpAt = Date.now() + CLAIM_TTL * 1000;
    for (;;) {
      const found = await this.store.claim(key, CLAIM_TTL);
      if (found === undefined) return this.runClaimed(key, operation);
      if (found.state === 'done') return (found.result ?? undefined) as T;
      // The claim lapses by then at the latest, so only a store that keeps lapsed claims gets here.
      if (Date.now() > giveUpAt) throw StreamingError.of(ErrorCode.Internal, 'an idempotent publish with this key is still under way');
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  private async runClaimed(key: string, operation: () => Promise<T>): Promise<T> {
    let result: T;
    try {
      result = await operation();
    } catch (err) {
      await this.store.abandon(key).catch((cause: unknown) => this.warn('free', key, cause));
      throw err;
    }
    // JSON has no undefined: null stands for "no result" (a publish without history).
    await this.store.complete(key, result ?? null, this.windowSeconds).catch((cause: unknown) => this.warn('record the result of', key, cause));
    return result;
  }

  /** The operation ran: its caller gets the result even when the store failed to keep it. */
  private warn(what: string, key: string, cause: unknown): void {
    this.logger.warn(`could not ${what} idempotency key ${key}: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Node } from '../engine/node.js';
import type { ResolvedStreamingOptions } from '../options/resolve-options.js';
import { STREAMING_OPTIONS } from '../streaming.constants.js';

/** Why a connection attempt is refused before it becomes a session, as an HTTP status. */
export type Refusal = 429 | 503;

/**
 * The limits every transport checks before a connection exists: the per-address attempt rate
 * (429, counted in the node's limit store, so across nodes with a shared one) and the node's
 * `maxConnections` (503), which counts open connections of all transports together, connected or
 * not (the connect deadline frees those that never connect).
 */
@Injectable()
export class ConnectionAdmission implements OnModuleDestroy {
  private open = 0;
  private accepting = true;

  constructor(
    private readonly node: Node,
    @Inject(STREAMING_OPTIONS) private readonly options: ResolvedStreamingOptions,
  ) {}

  /**
   * Checks an attempt from `address` over `transport`; undefined admits it, and the caller must
   * then `release()` exactly once when the connection is gone.
   */
  async admit(address: string, transport: string): Promise<Refusal | undefined> {
    if (this.node.limits.connectionAttemptRate && !(await this.node.limits.admitConnectionAttempt(address))) {
      const rate = this.options.limits.connectionAttemptsPerSecond;
      this.node.log.report('verbose', `${transport} 429`, `${address} over ${rate} connection attempts/s: refusing ${transport} connections with 429`);
      return 429;
    }
    // After the store's answer: shutdown may have begun meanwhile, and counting happens in this same step.
    if (!this.accepting) {
      this.node.log.report('debug', `${transport} 503 shutdown`, `shutting down: refusing ${transport} connections with 503`);
      return 503;
    }
    const { maxConnections } = this.options.limits;
    if (maxConnections > 0 && this.open >= maxConnections) {
      this.node.log.report('warn', `${transport} 503`, `node connection limit (${maxConnections}) reached: refusing ${transport} connections with 503`);
      return 503;
    }
    this.open++;
    return undefined;
  }

  release(): void {
    this.open--;
  }

  /**
   * Shutdown begins: no connection is taken from here. Nest destroys dependents first, so this
   * runs before the node drains and closes its stores: no upgrade can slip in between and get a
   * session on closed stores.
   */
  onModuleDestroy(): void {
    this.accepting = false;
  }
}

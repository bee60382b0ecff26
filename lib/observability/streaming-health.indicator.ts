import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Server } from 'node:http';
import { Node } from '../engine/node.js';

/** What the indicator reports, in the shape of `@nestjs/terminus`'s `HealthIndicatorResult`. */
export type StreamingHealthResult<Key extends string = 'streaming'> = Record<Key, StreamingHealthDetails>;

export interface StreamingHealthDetails {
  status: 'up' | 'down';
  /** The WebSocket endpoint takes new connections. */
  accepting: boolean;
  /** The node is draining before shutdown: it takes no new connections and moves clients elsewhere. */
  draining: boolean;
  /** Readiness only: the backend answered, and how long it took. */
  backend?: { reachable: boolean; latencyMs: number; error?: string };
}

export interface ReadinessOptions {
  /** Milliseconds the backend has to answer before it counts as down. Default 1000. */
  timeout?: number;
}

/**
 * Health of the streaming node for `@nestjs/terminus` (`HealthCheckService.check`). It needs no
 * import from terminus: a `down` status fails the check and terminus answers 503.
 */
@Injectable()
export class StreamingHealthIndicator {
  constructor(
    private readonly node: Node,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  /**
   * Liveness: down only when the node is broken (the endpoint stopped accepting without a drain).
   * A drain or a backend outage are not reasons to restart the process.
   */
  isAlive<Key extends string = 'streaming'>(key: Key = 'streaming' as Key): StreamingHealthResult<Key> {
    const { accepting, draining } = this.state();
    const status = accepting || draining ? 'up' : 'down';
    return { [key]: { status, accepting, draining } } as StreamingHealthResult<Key>;
  }

  /** Readiness: up when the endpoint accepts, the node is not draining and the backend answers in time. */
  async isReady<Key extends string = 'streaming'>(key: Key = 'streaming' as Key, options: ReadinessOptions = {}): Promise<StreamingHealthResult<Key>> {
    const { accepting, draining } = this.state();
    const backend = await this.pingBackend(options.timeout ?? 1000);
    const status = accepting && !draining && backend.reachable ? 'up' : 'down';
    return { [key]: { status, accepting, draining, backend } } as StreamingHealthResult<Key>;
  }

  /** The endpoint accepts while the HTTP server listens (the transport is on it from bootstrap) and the node has not begun to stop or drain. */
  private state(): { accepting: boolean; draining: boolean } {
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    const { stopped, draining } = this.node;
    return { accepting: server?.listening === true && !stopped && !draining, draining };
  }

  private async pingBackend(timeout: number): Promise<NonNullable<StreamingHealthDetails['backend']>> {
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer in ${timeout} ms`)), timeout);
    });
    try {
      await Promise.race([this.node.pingBackend(), timedOut]);
      return { reachable: true, latencyMs: elapsed(started) };
    } catch (err) {
      return { reachable: false, latencyMs: elapsed(started), error: err instanceof Error ? err.message : String(err) };
    } finally {
      clearTimeout(timer);
    }
  }
}

function elapsed(since: number): number {
  return Math.round((performance.now() - since) * 100) / 100;
}

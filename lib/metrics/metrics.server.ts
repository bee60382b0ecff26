import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { ResolvedStreamingOptions } from '../options/resolve-options.js';
import { STREAMING_OPTIONS } from '../streaming.constants.js';
import { requestPath, routeRequests } from '../transport/request-route.js';

/**
 * Serves the metrics registry in Prometheus text at `metrics.path` on Nest's HTTP server, in
 * front of the framework as the server API does (`routeRequests`).
 */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Streaming');
  private release?: () => void;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(STREAMING_OPTIONS) private readonly options: ResolvedStreamingOptions,
  ) {}

  onApplicationBootstrap(): void {
    const path = this.options.metrics?.path;
    if (path === undefined) return;
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (!server) {
      this.logger.warn('no HTTP server (standalone application): metrics are not served');
      return;
    }
    this.release = routeRequests(server, (req) => requestPath(req) === path, this.onRequest);
    this.logger.log(`metrics at ${path}`);
  }

  beforeApplicationShutdown(): void {
    this.release?.();
    this.release = undefined;
  }

  private readonly onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Length': 0 }).end();
      return;
    }
    const registry = this.options.metrics!.registry;
    registry.metrics().then(
      (text) => {
        res.writeHead(200, { 'Content-Type': registry.contentType, 'Content-Length': Buffer.byteLength(text) });
        res.end(req.method === 'HEAD' ? undefined : text);
      },
      (err: unknown) => {
        this.logger.error(`metrics collection failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        res.writeHead(500, { 'Content-Length': 0 }).end();
      },
    );
  };
}

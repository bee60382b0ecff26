import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { Node } from '../engine/node.js';
import type { ResolvedStreamingOptions } from '../options/resolve-options.js';
import { STREAMING_OPTIONS } from '../streaming.constants.js';
import { WebSocketConnection } from './websocket-connection.js';

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/**
 * The WebSocket endpoint, on Nest's own HTTP server. We own the `ws` server rather than going
 * through a Nest gateway so that framing, errors and close codes are the protocol's.
 */
@Injectable()
export class WebSocketTransport implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Streaming');
  private wss?: WebSocketServer;
  private server?: Server;
  private limitLoggedAt = 0;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly node: Node,
    @Inject(STREAMING_OPTIONS) private readonly options: ResolvedStreamingOptions,
  ) {}

  onApplicationBootstrap(): void {
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (!server) {
      this.logger.warn('no HTTP server (standalone application): the WebSocket endpoint is not served');
      return;
    }
    this.server = server;
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: this.options.websocket.maxMessageSize,
      perMessageDeflate: false,
    });
    server.on('upgrade', this.onUpgrade);
    this.logger.log(`WebSocket endpoint at ${this.options.websocket.path}`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.server?.off('upgrade', this.onUpgrade);
    await this.node.shutdown();
    if (!this.wss) return;
    for (const socket of this.wss.clients) socket.terminate();
    await new Promise<void>((resolve) => this.wss!.close(() => resolve()));
  }

  private readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const path = (req.url ?? '').split('?', 1)[0];
    if (path !== this.options.websocket.path) {
      // Another upgrade listener (a Nest gateway, say) may own this path.
      if (this.server!.listenerCount('upgrade') === 1) socket.destroy();
      return;
    }
    const { maxConnections } = this.options.limits;
    if (maxConnections > 0 && this.wss!.clients.size >= maxConnections) {
      this.refuseOverLimit(socket, maxConnections);
      return;
    }
    this.wss!.handleUpgrade(req, socket, head, (ws) => this.accept(ws, req));
  };

  /** 503 before the upgrade, as Centrifugo: the SDK sees a failed transport and retries with backoff. */
  private refuseOverLimit(socket: Duplex, limit: number): void {
    socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    const now = Date.now();
    // One line per 10 s: a herd of reconnecting clients would otherwise flood the log.
    if (now - this.limitLoggedAt > 10_000) {
      this.limitLoggedAt = now;
      this.logger.warn(`node connection limit (${limit}) reached: refusing WebSocket upgrades with 503`);
    }
  }

  private accept(ws: WebSocket, req: IncomingMessage): void {
    const session = this.node.createSession(new WebSocketConnection(ws), req.headers);
    ws.on('message', (data) => session.handleFrame(toBuffer(data)));
    ws.on('close', () => session.handleTransportClosed());
    ws.on('error', (err) => {
      // ws closes the socket itself after a protocol error (1009 for an oversized frame, 1002...).
      this.logger.warn(`websocket error from ${req.socket.remoteAddress}: ${err.message}`);
    });
  }
}

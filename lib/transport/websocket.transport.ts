import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { Node } from '../engine/node.js';
import { ClientSession } from '../engine/client-session.js';
import { AddressRateLimiter } from '../limits/address-rate-limiter.js';
import type { ResolvedStreamingOptions } from '../options/resolve-options.js';
import { STREAMING_OPTIONS } from '../streaming.constants.js';
import { codecForUpgrade } from '../protocol/codecs.js';
import { PROTOBUF_SUBPROTOCOL } from '../protocol/protobuf-codec.js';
import { clientAddress } from './client-address.js';
import { closeAll } from './close-all.js';
import { perMessageDeflate } from './per-message-deflate.js';
import { routeUpgradePath } from './upgrade-route.js';
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
  private releaseUpgrades?: () => void;
  private attempts?: AddressRateLimiter;

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
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: this.options.websocket.maxMessageSize,
      perMessageDeflate: perMessageDeflate(this.options.delivery.compression),
      // Only the protobuf subprotocol is agreed to; anything else speaks JSON without one.
      handleProtocols: (offered) => (offered.has(PROTOBUF_SUBPROTOCOL) ? PROTOBUF_SUBPROTOCOL : false),
    });
    const { connectionAttemptsPerSecond, connectionAttemptBurst } = this.options.limits;
    if (connectionAttemptsPerSecond > 0) this.attempts = new AddressRateLimiter(connectionAttemptsPerSecond, connectionAttemptBurst);
    this.releaseUpgrades = routeUpgradePath(server, this.options.websocket.path, this.onUpgrade);
    this.logger.log(`WebSocket endpoint at ${this.options.websocket.path}`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.releaseUpgrades?.();
    this.attempts?.close();
    await this.node.shutdown();
    if (!this.wss) return;
    await closeAll(this.wss.clients, this.options.websocket.closeTimeout * 1000);
    await new Promise<void>((resolve) => this.wss!.close(() => resolve()));
  }

  /** Upgrades of the endpoint's path only (`routeUpgradePath`). */
  private readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    // The address the app trusts (`trustProxy`), so the attempt rate counts clients, not the proxy.
    const ip = clientAddress(req.socket.remoteAddress ?? '', req.headers['x-forwarded-for'], this.options.trustProxy);
    if (!this.admitUpgrade(ip, socket)) return;
    this.wss!.handleUpgrade(req, socket, head, (ws) => this.accept(ws, req, ip));
  };

  /**
   * Limits checked before the WebSocket exists, with a plain HTTP status (as Centrifugo): the SDK
   * sees a failed transport and retries with backoff.
   */
  private admitUpgrade(address: string, socket: Duplex): boolean {
    if (this.attempts && !this.attempts.admit(address)) {
      refuse(socket, '429 Too Many Requests', 'Retry-After: 1\r\n');
      const rate = this.options.limits.connectionAttemptsPerSecond;
      this.node.log.report('verbose', 'upgrade 429', `${address} over ${rate} connection attempts/s: refusing upgrades with 429`);
      return false;
    }
    const { maxConnections } = this.options.limits;
    if (maxConnections > 0 && this.wss!.clients.size >= maxConnections) {
      refuse(socket, '503 Service Unavailable');
      this.node.log.report('warn', 'upgrade 503', `node connection limit (${maxConnections}) reached: refusing WebSocket upgrades with 503`);
      return false;
    }
    return true;
  }

  private accept(ws: WebSocket, req: IncomingMessage, ip: string): void {
    const codec = codecForUpgrade(ws.protocol, req.url);
    const connection = new WebSocketConnection(ws, ip, req.headers, this.options.websocket.closeTimeout * 1000, codec.binary);
    const session = new ClientSession(this.node, connection, codec);
    ws.on('message', (data) => session.handleFrame(toBuffer(data)));
    ws.on('close', () => session.handleTransportClosed());
    ws.on('error', (err) => {
      // ws closes the socket itself after a protocol error (1009 for an oversized frame, 1002...).
      this.node.log.report('verbose', 'websocket error', `websocket error from ${ip}: ${err.message}`);
    });
  }
}

function refuse(socket: Duplex, status: string, headers = ''): void {
  socket.end(`HTTP/1.1 ${status}\r\n${headers}Connection: close\r\nContent-Length: 0\r\n\r\n`);
}

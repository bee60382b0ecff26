import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type Server as WsServer } from 'ws';
import { ClientSession } from '../engine/client-session.js';
import { Node } from '../engine/node.js';
import type { ResolvedStreamingOptions } from '../options/resolve-options.js';
import { DisconnectCode } from '../protocol/codes.js';
import { STREAMING_OPTIONS } from '../streaming.constants.js';
import { codecForUpgrade } from '../protocol/codecs.js';
import { PROTOBUF_SUBPROTOCOL } from '../protocol/protobuf-codec.js';
import { clientAddress } from './client-address.js';
import { closeAll } from './close-all.js';
import { ConnectionAdmission } from './connection-admission.js';
import { SharedHeaderValues } from './header-values.js';
import { perMessageDeflate } from './per-message-deflate.js';
import { onSessionMessage, OpenSockets, SessionSocket, socketErrorListener, toBuffer } from './session-socket.js';
import { UniWebSocketConnection } from './uni-websocket-connection.js';
import { connectParam, unidirectionalConnect } from './unidirectional-connect.js';
import { routeUpgradePath, type UpgradeHandler } from './upgrade-route.js';
import { WebSocketConnection } from './websocket-connection.js';

/**
 * The WebSocket endpoint, on Nest's own HTTP server. We own the `ws` server rather than going
 * through a Nest gateway so that framing, errors and close codes are the protocol's.
 */
@Injectable()
export class WebSocketTransport implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Streaming');
  private wss?: WsServer<typeof SessionSocket>;
  private readonly sockets = new OpenSockets();
  private readonly headerValues = new SharedHeaderValues();
  private readonly releaseUpgrades: Array<() => void> = [];

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly node: Node,
    private readonly admission: ConnectionAdmission,
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
      WebSocket: SessionSocket,
      // Tracked by `OpenSockets`, without a closure per socket.
      clientTracking: false,
      maxPayload: this.options.websocket.maxMessageSize,
      perMessageDeflate: perMessageDeflate(this.options.delivery.compression),
      // Only the protobuf subprotocol is agreed to, and only on the bidirectional endpoint:
      // `uni_websocket` speaks JSON (its frames are rewritten as Centrifugo's unidirectional JSON).
      handleProtocols: (offered, req) =>
        offered.has(PROTOBUF_SUBPROTOCOL) && (req.url ?? '').split('?', 1)[0] === this.options.websocket.path ? PROTOBUF_SUBPROTOCOL : false,
    });
    this.releaseUpgrades.push(routeUpgradePath(server, this.options.websocket.path, this.upgrades(false)));
    this.logger.log(`WebSocket endpoint at ${this.options.websocket.path}`);
    const uniPath = this.options.transports.paths.uniWebsocket;
    if (uniPath !== undefined) {
      this.releaseUpgrades.push(routeUpgradePath(server, uniPath, this.upgrades(true)));
      this.logger.log(`unidirectional WebSocket endpoint at ${uniPath}`);
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    for (const release of this.releaseUpgrades) release();
    await this.node.shutdown();
    if (!this.wss) return;
    await closeAll(this.sockets.all, this.options.websocket.closeTimeout * 1000);
    // As `ws` would with its client tracking: closed once the last socket is.
    await this.sockets.drained();
    await new Promise<void>((resolve) => this.wss!.close(() => resolve()));
  }

  private readonly releaseAdmission = (): void => this.admission.release();
  private readonly socketError = socketErrorListener(this.node.log);

  /** Upgrades of one endpoint's path only (`routeUpgradePath`): the WebSocket one, or `uni_websocket`. */
  private upgrades(unidirectional: boolean): UpgradeHandler {
    return (req, socket, head) => {
      // The address the app trusts (`trustProxy`), so the attempt rate counts clients, not the proxy.
      const ip = clientAddress(req.socket.remoteAddress ?? '', req.headers['x-forwarded-for'], this.options.trustProxy);
      // Node's HTTP server no longer watches an upgraded socket: a reset while the limit store answers must not throw.
      const dropped = () => socket.destroy();
      socket.on('error', dropped);
      void this.admitUpgrade(ip, socket).then((admitted) => {
        // A refused socket keeps the listener: its refusal is still being written.
        if (!admitted) return;
        socket.off('error', dropped);
        if (socket.destroyed) {
          this.admission.release();
          return;
        }
        // Once the socket is gone, whether the handshake failed or the WebSocket closed later. A field,
        // not an arrow here: that would share this scope's context with the handshake callback and so
        // keep the upgrade request (headers, parser state) alive for the connection's lifetime.
        // `on`, not `once`: a socket closes once, and `once` costs a wrapper and its state per socket.
        socket.on('close', this.releaseAdmission);
        this.wss!.handleUpgrade(req, socket, head, (ws) => (unidirectional ? this.acceptUnidirectional(ws, req, ip) : this.accept(ws, req, ip)));
      });
    };
  }

  /**
   * Limits checked before the WebSocket exists, with a plain HTTP status (as Centrifugo): the SDK
   * sees a failed transport and retries with backoff.
   */
  private async admitUpgrade(address: string, socket: Duplex): Promise<boolean> {
    const refusal = await this.admission.admit(address, 'websocket');
    if (refusal === 429) refuse(socket, '429 Too Many Requests', 'Retry-After: 1\r\n');
    else if (refusal === 503) refuse(socket, '503 Service Unavailable');
    return refusal === undefined;
  }

  private accept(ws: SessionSocket, req: IncomingMessage, ip: string): void {
    const codec = codecForUpgrade(ws.protocol, req.url);
    const session = new ClientSession(this.node, this.connection(ws, req, ip, codec.binary), codec);
    ws.on('message', onSessionMessage);
    this.watch(ws, session, ip);
  }

  /**
   * `uni_websocket`: the connect request comes in `cf_connect` or as the first message (Centrifugo's
   * two ways); a client that sends anything more is closed with 3501, as it cannot be answered.
   */
  private acceptUnidirectional(ws: SessionSocket, req: IncomingMessage, ip: string): void {
    const session = new ClientSession(this.node, new UniWebSocketConnection(this.connection(ws, req, ip)));
    let awaitingConnect = true;
    const connect = (text: string | undefined): void => {
      awaitingConnect = false;
      const request = unidirectionalConnect(text);
      if ('error' in request) session.disconnect(DisconnectCode.BadRequest, request.error);
      else session.handleFrame(request.frame);
    };
    const param = connectParam(req.url);
    if (param !== undefined) connect(param);
    ws.on('message', (data) => {
      if (awaitingConnect) connect(toBuffer(data).toString('utf8'));
      else session.disconnect(DisconnectCode.BadRequest, 'a unidirectional client sent a message after its connect request');
    });
    this.watch(ws, session, ip);
  }

  private connection(ws: SessionSocket, req: IncomingMessage, ip: string, binary = false): WebSocketConnection {
    return new WebSocketConnection(ws, ip, this.headerValues.keep(req.headers), this.options.websocket.closeTimeout * 1000, binary);
  }

  /** Listeners shared by every socket (`session-socket.ts`), which find their session on the socket. */
  private watch(ws: SessionSocket, session: ClientSession, ip: string): void {
    ws.session = session;
    ws.ip = ip;
    this.sockets.add(ws);
    ws.on('error', this.socketError);
  }
}

function refuse(socket: Duplex, status: string, headers = ''): void {
  socket.end(`HTTP/1.1 ${status}\r\n${headers}Connection: close\r\nContent-Length: 0\r\n\r\n`);
}

import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { ApiClientGoneError, ApiRequestError } from '../api/api-request-error.js';
import { readBody } from '../api/request-body.js';
import { ClientSession } from '../engine/client-session.js';
import { Node } from '../engine/node.js';
import type { FallbackTransportName } from '../options/resolve-transports-options.js';
import type { ResolvedStreamingOptions } from '../options/resolve-options.js';
import { DisconnectCode } from '../protocol/codes.js';
import { STREAMING_OPTIONS } from '../streaming.constants.js';
import { clientAddress } from './client-address.js';
import { ConnectionAdmission } from './connection-admission.js';
import { HttpStreamConnection, type HttpStreamConnectionInit } from './http-stream-connection.js';
import { requestPath, routeRequests } from './request-route.js';
import { CONNECT_PARAM, connectParam, unidirectionalConnect } from './unidirectional-connect.js';

type HttpTransportName = Exclude<FallbackTransportName, 'uniWebsocket'>;

interface StreamKind {
  transport: HttpStreamConnectionInit['transport'];
  format: HttpStreamConnectionInit['format'];
  unidirectional: boolean;
  /** Methods that open a stream: SSE opens with GET (EventSource) or POST, HTTP streaming with POST. */
  methods: string[];
}

const kinds: Record<HttpTransportName, StreamKind> = {
  uniSse: { transport: 'uni_sse', format: 'sse', unidirectional: true, methods: ['GET', 'POST'] },
  uniHttpStream: { transport: 'uni_http_stream', format: 'ndjson', unidirectional: true, methods: ['POST'] },
  sse: { transport: 'sse', format: 'sse', unidirectional: false, methods: ['GET', 'POST'] },
  httpStream: { transport: 'http_stream', format: 'ndjson', unidirectional: false, methods: ['POST'] },
};

/**
 * The HTTP fallback transports on Nest's HTTP server, in front of the framework like the server
 * API: Centrifugo's unidirectional `uni_sse` and `uni_http_stream`, and the SDK's bidirectional
 * emulation (`sse`, `http_stream`, whose commands arrive as POSTs to the emulation path naming the
 * stream's session). Each stream is a session of the node, as a WebSocket is.
 */
@Injectable()
export class HttpFallbackTransport implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Streaming');
  private readonly byPath = new Map<string, StreamKind>();
  /** Emulated sessions by their secret session id, for the emulation endpoint. */
  private readonly emulated = new Map<string, ClientSession>();
  /** Open streams, to end at shutdown. */
  private readonly streams = new Map<ServerResponse, HttpStreamConnection>();
  private release?: () => void;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly node: Node,
    private readonly admission: ConnectionAdmission,
    @Inject(STREAMING_OPTIONS) private readonly options: ResolvedStreamingOptions,
  ) {
    const { paths } = options.transports;
    for (const name of Object.keys(kinds) as HttpTransportName[]) {
      const path = paths[name];
      if (path !== undefined) this.byPath.set(path, kinds[name]);
    }
  }

  onApplicationBootstrap(): void {
    const { emulationPath } = this.options.transports;
    if (this.byPath.size === 0) return;
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (!server) {
      this.logger.warn('no HTTP server (standalone application): the fallback transports are not served');
      return;
    }
    this.release = routeRequests(
      server,
      (req) => {
        const path = requestPath(req);
        return this.byPath.has(path) || path === emulationPath;
      },
      this.onRequest,
    );
    const served = [...this.byPath].map(([path, kind]) => `${kind.transport} at ${path}`);
    if (emulationPath !== undefined) served.push(`emulation at ${emulationPath}`);
    this.logger.log(`fallback transports: ${served.join(', ')}`);
  }

  /** Stops taking streams; the node's shutdown closes the connected ones with 3001, the rest close here. */
  async beforeApplicationShutdown(): Promise<void> {
    this.release?.();
    const ended = [...this.streams.keys()].map((res) => new Promise((resolve) => (res.closed ? resolve(undefined) : res.once('close', resolve))));
    for (const connection of this.streams.values()) connection.close(DisconnectCode.Shutdown, '');
    await Promise.all(ended);
  }

  private readonly onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const path = requestPath(req);
    const kind = this.byPath.get(path);
    const handling = kind ? this.openStream(req, res, kind) : this.emulate(req, res);
    handling.catch((err: unknown) => {
      if (err instanceof ApiClientGoneError) return;
      if (err instanceof ApiRequestError) {
        this.node.log.report('debug', `${path} ${err.status}`, `${req.method} ${path} refused: ${err.status} ${err.message}`);
        if (!req.complete) res.setHeader('Connection', 'close');
        refuse(res, err.status, err.message);
        return;
      }
      this.logger.error(`${req.method} ${path} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      if (!res.headersSent) refuse(res, 500, 'internal server error');
      else res.destroy();
    });
  };

  private async openStream(req: IncomingMessage, res: ServerResponse, kind: StreamKind): Promise<void> {
    if (!kind.methods.includes(req.method ?? '')) {
      res.setHeader('Allow', kind.methods.join(', '));
      throw new ApiRequestError(405, `${req.method} is not allowed: ${kind.transport} takes ${kind.methods.join(' or ')}`);
    }
    // The address the app trusts (`trustProxy`), so the attempt rate counts clients, not the proxy.
    const ip = clientAddress(req.socket.remoteAddress ?? '', req.headers['x-forwarded-for'], this.options.trustProxy);
    const refusal = await this.admission.admit(ip, kind.transport);
    if (refusal !== undefined) {
      if (refusal === 429) res.setHeader('Retry-After', '1');
      // The body is left unread: close rather than read it.
      if (!req.complete) res.setHeader('Connection', 'close');
      refuse(res, refusal, refusal === 429 ? 'too many connection attempts' : 'connection limit reached');
      return;
    }
    let first: Buffer;
    try {
      first = await this.firstFrame(req, kind);
    } catch (err) {
      this.admission.release();
      throw err;
    }
    const connection = new HttpStreamConnection(res, {
      transport: kind.transport,
      format: kind.format,
      unidirectional: kind.unidirectional,
      session: kind.unidirectional ? undefined : randomUUID(),
      ip,
      headers: req.headers,
      closeTimeoutMs: this.options.websocket.closeTimeout * 1000,
    });
    connection.open();
    const session = new ClientSession(this.node, connection);
    this.streams.set(res, connection);
    if (connection.session !== undefined) this.emulated.set(connection.session, session);
    res.once('close', () => {
      this.streams.delete(res);
      if (connection.session !== undefined) this.emulated.delete(connection.session);
      this.admission.release();
      session.handleTransportClosed();
    });
    session.handleFrame(first);
  }

  /**
   * The frame that opens the session: for the emulation, the SDK's encoded connect command, as it
   * would send it first over a WebSocket; for a unidirectional client, its connect request.
   */
  private async firstFrame(req: IncomingMessage, kind: StreamKind): Promise<Buffer> {
    let text: string | undefined;
    if (req.method === 'GET') text = connectParam(req.url);
    else {
      const body = await readBody(req, this.options.transports.maxRequestBodySize);
      if (body.length > 0) text = body.toString('utf8');
    }
    if (!kind.unidirectional) {
      if (text === undefined) throw new ApiRequestError(400, `no connect command (send it in ${CONNECT_PARAM} or the body)`);
      return Buffer.from(text);
    }
    const connect = unidirectionalConnect(text);
    if ('error' in connect) throw new ApiRequestError(400, connect.error);
    return connect.frame;
  }

  /** `POST <emulationPath>` with `{session, node, data}`: `data` is the commands, as the SDK encoded them. */
  private async emulate(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      throw new ApiRequestError(405, `${req.method} is not allowed: the emulation endpoint takes POST`);
    }
    const body = await readBody(req, this.options.transports.maxRequestBodySize);
    let request: { session?: unknown; data?: unknown };
    try {
      request = JSON.parse(body.toString('utf8')) as typeof request;
    } catch (err) {
      throw new ApiRequestError(400, `the emulation request is not JSON: ${(err as Error).message}`);
    }
    if (typeof request !== 'object' || request === null || typeof request.session !== 'string' || typeof request.data !== 'string') {
      throw new ApiRequestError(400, 'the emulation request must be {session, node, data} with data the encoded commands');
    }
    const session = this.emulated.get(request.session);
    // The stream it names has ended (or never was): the SDK reconnects through a new stream.
    if (!session) throw new ApiRequestError(404, 'no such session on this node');
    session.handleFrame(Buffer.from(request.data));
    res.writeHead(204).end();
  }
}

function refuse(res: ServerResponse, status: number, message: string): void {
  const body = JSON.stringify({ error: message });
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { ApiExecutor } from '../api/api-executor.js';
import { ApiRequestError } from '../api/api-request-error.js';
import { readBody } from '../api/request-body.js';
import { Node } from '../engine/node.js';
import { StreamingManager } from '../manager/streaming-manager.js';
import type { ResolvedAdminOptions } from '../options/resolve-admin-options.js';
import type { ResolvedStreamingOptions } from '../options/resolve-options.js';
import { STREAMING_OPTIONS } from '../streaming.constants.js';
import { clientAddress } from '../transport/client-address.js';
import { requestPath, routeRequests } from '../transport/request-route.js';
import { loadAdminAssets, type AdminAsset } from './admin-assets.js';
import { ADMIN_COOKIE, AdminSessions, cookieValue } from './admin-sessions.js';
import { adminOverview } from './admin-overview.js';
import { ChannelActivity } from './channel-activity.observer.js';
import { ChannelTail } from './channel-tail.js';

/** Live tails open at once on this node; each is a subscriber the node feeds. */
const MAX_TAILS = 20;

const securityHeaders = {
  'Cache-Control': 'no-store',
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy': "default-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'",
};

/**
 * The operators' dashboard at `admin.path`, served in front of the framework as the HTTP API is:
 * the page and its assets; `session`, `login`, `logout`; `overview` (node, channels with
 * publication counts, connections), `tail?channel=` (server-sent events) and `api/<method>` (the
 * HTTP API's executor), the last three for operators only: a valid session cookie, or
 * `admin.authorize` answering true.
 */
@Injectable()
export class AdminServer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Streaming');
  private readonly tails = new Set<ChannelTail>();
  private assets?: Map<string, AdminAsset>;
  private sessions?: AdminSessions;
  private release?: () => void;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly executor: ApiExecutor,
    private readonly node: Node,
    private readonly streaming: StreamingManager,
    private readonly activity: ChannelActivity,
    @Inject(STREAMING_OPTIONS) private readonly options: ResolvedStreamingOptions,
  ) {}

  private get admin(): ResolvedAdminOptions {
    return this.options.admin!;
  }

  onApplicationBootstrap(): void {
    if (!this.options.admin) return;
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (!server) {
      this.logger.warn('no HTTP server (standalone application): the admin dashboard is not served');
      return;
    }
    this.assets = loadAdminAssets(this.admin.path);
    if (this.admin.password) this.sessions = new AdminSessions(this.admin.password, this.admin.sessionTtl);
    this.release = routeRequests(server, this.claims, this.onRequest);
    this.logger.log(`admin dashboard at ${this.admin.path}`);
  }

  beforeApplicationShutdown(): void {
    this.release?.();
    this.release = undefined;
    for (const tail of [...this.tails]) tail.end();
  }

  private readonly claims = (req: IncomingMessage): boolean => {
    const path = requestPath(req);
    return path === this.admin.path || path.startsWith(`${this.admin.path}/`);
  };

  private readonly onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    this.handle(req, res).catch((err: unknown) => {
      if (err instanceof ApiRequestError) {
        this.logger.debug(`admin refused ${req.method} ${req.url}: ${err.status} ${err.message}`);
        if (!req.complete) res.setHeader('Connection', 'close');
        return this.json(res, err.status, { error: err.message });
      }
      this.logger.error(`admin request ${req.method} ${req.url} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      if (!res.headersSent) this.json(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  };

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const route = requestPath(req).slice(this.admin.path.length);
    const asset = this.assets!.get(route === '/' ? '' : route);
    if (asset) {
      this.expectMethod(req, 'GET');
      res.writeHead(200, { ...securityHeaders, 'Content-Type': asset.type, 'Content-Length': asset.body.length });
      res.end(asset.body);
      return;
    }
    switch (route) {
      case '/session':
        this.expectMethod(req, 'GET');
        return this.json(res, 200, { operator: await this.isOperator(req), login: this.sessions !== undefined });
      case '/login':
        return this.login(req, res);
      case '/logout':
        this.expectPost(req);
        res.setHeader('Set-Cookie', this.cookie('', 0, req));
        return this.json(res, 200, {});
    }
    if (!(await this.isOperator(req))) throw new ApiRequestError(401, 'log in first');
    if (route === '/overview') {
      this.expectMethod(req, 'GET');
      return this.json(res, 200, adminOverview(this.node, this.streaming.stats(), this.activity));
    }
    if (route === '/tail') return this.tail(req, res);
    if (route.startsWith('/api/')) {
      this.expectPost(req);
      const body = await readBody(req, 64 * 1024);
      const call = this.executor.prepare(route.slice('/api/'.length), parseBody(body));
      return this.json(res, 200, await this.executor.execute(call));
    }
    throw new ApiRequestError(404, `no admin route ${route}`);
  }

  private async login(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.expectPost(req);
    if (!this.sessions) throw new ApiRequestError(404, 'this dashboard has no password login (admin.authorize decides)');
    const address = clientAddress(req.socket.remoteAddress ?? '', req.headers['x-forwarded-for'], this.options.trustProxy);
    // Ten attempts at once, then one every five seconds per address: slow for a guesser, unnoticed by an operator.
    // Counted in the limit store, so a guesser gains nothing by spreading attempts over the nodes.
    if (!(await this.node.limits.admit(`admin-logins:${address}`, 0.2, 10))) {
      this.node.log.report('debug', 'admin login throttled', 'admin login attempts over the limit, refusing with 429', `address ${address}`);
      return this.json(res, 429, { error: 'too many attempts: wait and try again' });
    }
    const { password } = parseBody(await readBody(req, 4096)) as { password?: unknown };
    if (!this.sessions.passwordMatches(password)) {
      this.node.log.report('debug', 'admin login refused', 'admin login with a wrong password', `address ${address}`);
      throw new ApiRequestError(401, 'wrong password');
    }
    res.setHeader('Set-Cookie', this.cookie(this.sessions.issue(), this.admin.sessionTtl, req));
    this.json(res, 200, {});
  }

  private tail(req: IncomingMessage, res: ServerResponse): void {
    this.expectMethod(req, 'GET');
    const channel = new URL(req.url ?? '', 'http://admin').searchParams.get('channel');
    if (!channel) throw new ApiRequestError(400, 'channel required');
    if (this.tails.size >= MAX_TAILS) throw new ApiRequestError(413, `${MAX_TAILS} tails are open already`);
    res.writeHead(200, { ...securityHeaders, 'Content-Type': 'text/event-stream', Connection: 'keep-alive' });
    const tail = new ChannelTail(channel, res, (ended) => {
      this.tails.delete(ended);
      this.node.removeSubscription(channel, ended).catch((err: unknown) => this.logger.warn(`admin tail of ${channel} did not leave cleanly: ${String(err)}`));
    });
    this.tails.add(tail);
    tail.write('ready', { channel });
    this.node.addSubscription(channel, tail).catch((err: unknown) => {
      tail.write('error', { message: String(err) });
      tail.end();
    });
  }

  private async isOperator(req: IncomingMessage): Promise<boolean> {
    if (this.admin.authorize) return (await this.admin.authorize(req)) === true;
    return this.sessions!.valid(cookieValue(req.headers.cookie, ADMIN_COOKIE));
  }

  private expectMethod(req: IncomingMessage, method: string): void {
    if (req.method !== method) throw new ApiRequestError(405, `${req.method} is not allowed here: use ${method}`);
  }

  /**
   * A state-changing request must be JSON from the dashboard's own origin: a form on another site
   * can send neither `application/json` nor a matching `Origin`, and the cookie is SameSite=Strict too.
   */
  private expectPost(req: IncomingMessage): void {
    this.expectMethod(req, 'POST');
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) throw new ApiRequestError(400, 'send application/json');
    const origin = req.headers.origin;
    if (origin !== undefined && new URL(origin).host !== req.headers.host) throw new ApiRequestError(401, `origin ${origin} is not this dashboard's`);
  }

  private cookie(value: string, maxAge: number, req: IncomingMessage): string {
    const secure = (req.socket as { encrypted?: boolean }).encrypted === true ? '; Secure' : '';
    return `${ADMIN_COOKIE}=${value}; Path=${this.admin.path}; Max-Age=${maxAge}; HttpOnly; SameSite=Strict${secure}`;
  }

  private json(res: ServerResponse, status: number, body: object): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { ...securityHeaders, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  }
}

function parseBody(body: Buffer): unknown {
  try {
    return body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
  } catch {
    throw new ApiRequestError(400, 'the body is not JSON');
  }
}

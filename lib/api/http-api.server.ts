import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { requestPath, routeRequests } from '../transport/request-route.js';
import type { ResolvedApiOptions } from '../options/resolve-api-options.js';
import type { ResolvedStreamingOptions } from '../options/resolve-options.js';
import { ErrorCode, errorMessages } from '../protocol/codes.js';
import { deeperThan, MAX_JSON_DEPTH } from '../protocol/json-codec.js';
import { STREAMING_OPTIONS } from '../streaming.constants.js';
import { ApiExecutor, type ApiCall, type ApiReply } from './api-executor.js';
import { apiKeyOf, keyMatches } from './api-key.js';
import { ApiClientGoneError, ApiRequestError } from './api-request-error.js';
import { isApiMethod, legacyMethodCodes } from './api-schema.js';
import { readBody } from './request-body.js';

const statusCodes: Record<ApiRequestError['status'], number> = {
  400: ErrorCode.BadRequest,
  401: ErrorCode.Unauthorized,
  404: ErrorCode.MethodNotFound,
  405: ErrorCode.MethodNotFound,
  413: ErrorCode.LimitExceeded,
};

/**
 * The server HTTP API on Nest's HTTP server, in front of the framework: `POST <path>` and
 * `POST <path>/<method>` for the API's methods are ours (`routeRequests`: Express or Fastify never
 * see them, so their middleware, body parsers and size limits do not apply); every other request
 * goes to the framework untouched.
 */
@Injectable()
export class HttpApiServer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Streaming');
  private release?: () => void;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly executor: ApiExecutor,
    @Inject(STREAMING_OPTIONS) private readonly options: ResolvedStreamingOptions,
  ) {}

  private get api(): ResolvedApiOptions {
    return this.options.api!;
  }

  onApplicationBootstrap(): void {
    if (!this.options.api) return;
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (!server) {
      this.logger.warn('no HTTP server (standalone application): the server API is not served');
      return;
    }
    this.release = routeRequests(server, this.claims, this.onRequest);
    this.logger.log(`server API at ${this.api.path}`);
  }

  beforeApplicationShutdown(): void {
    this.release?.();
    this.release = undefined;
  }

  /** The method of `POST <path>/<method>`; undefined for `<path>` itself. */
  private methodOf(req: IncomingMessage): string | undefined {
    const path = requestPath(req);
    const base = this.api.path;
    return path.startsWith(`${base}/`) ? path.slice(base.length + 1) : undefined;
  }

  /** Only the API's own paths: an app with its REST routes under the same prefix keeps them. */
  private readonly claims = (req: IncomingMessage): boolean => {
    const method = this.methodOf(req);
    return method === undefined ? requestPath(req) === this.api.path : isApiMethod(method);
  };

  private readonly onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const method = this.methodOf(req);
    this.handle(req, res, method).catch((err: unknown) => {
      if (err instanceof ApiClientGoneError) {
        this.logger.debug(`server API ${req.url}: ${err.message}`);
        return;
      }
      this.logger.error(`server API request failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      if (!res.headersSent) this.send(res, 500, { error: { code: ErrorCode.Internal, message: errorMessages[ErrorCode.Internal] } });
      else res.destroy();
    });
  };

  /** `method` is set for `POST <path>/<method>`, undefined for the newline-delimited form at `POST <path>`. */
  private async handle(req: IncomingMessage, res: ServerResponse, method: string | undefined): Promise<void> {
    try {
      if (req.method !== 'POST') {
        res.setHeader('Allow', 'POST');
        throw new ApiRequestError(405, `${req.method} is not allowed: the API takes POST`);
      }
      if (!keyMatches(apiKeyOf(req.headers), this.api.key)) throw new ApiRequestError(401, 'missing or wrong API key');
      const body = await readBody(req, this.api.maxBodySize);
      if (method === undefined) {
        const calls = this.parseCommands(body);
        const replies: string[] = [];
        for (const { call, id } of calls) replies.push(JSON.stringify(withId(await this.executor.execute(call), id)));
        this.sendRaw(res, 200, replies.join('\n'));
        return;
      }
      const call = this.executor.prepare(method, parseJson(body.length === 0 ? '{}' : body.toString('utf8'), 'body'));
      this.send(res, 200, await this.executor.execute(call));
    } catch (err) {
      if (!(err instanceof ApiRequestError)) throw err;
      this.logger.debug(`server API refused ${req.method} ${req.url}: ${err.status} ${err.message}`);
      // The rest of a body refused unread may still be on its way: close rather than read it.
      if (!req.complete) res.setHeader('Connection', 'close');
      const code = statusCodes[err.status];
      this.send(res, err.status, { error: { code, message: `${errorMessages[code as ErrorCode]}: ${err.message}` } });
    }
  }

  /** Centrifugo's legacy form: one `{method, params}` per line; all are checked before any runs. */
  private parseCommands(body: Buffer): Array<{ call: ApiCall; id?: number }> {
    const lines = body
      .toString('utf8')
      .split('\n')
      .map((line, i) => ({ line: line.trim(), n: i + 1 }))
      .filter(({ line }) => line !== '');
    if (lines.length === 0) throw new ApiRequestError(400, 'empty body: send one {"method", "params"} command per line');
    return lines.map(({ line, n }) => {
      const command = parseJson(line, `line ${n}`);
      if (typeof command !== 'object' || command === null || Array.isArray(command)) {
        throw new ApiRequestError(400, `line ${n}: a command must be an object`);
      }
      const { method, params, id } = command as { method?: unknown; params?: unknown; id?: unknown };
      const name = typeof method === 'number' ? legacyMethodCodes[method] : typeof method === 'string' ? method.toLowerCase() : undefined;
      if (name === undefined) throw new ApiRequestError(400, `line ${n}: method must be a method name, got ${JSON.stringify(method)}`);
      if (id !== undefined && !(Number.isInteger(id) && (id as number) >= 0)) {
        throw new ApiRequestError(400, `line ${n}: id must be a whole number`);
      }
      try {
        return { call: this.executor.prepare(name, params), id: id as number | undefined };
      } catch (err) {
        if (err instanceof ApiRequestError) throw new ApiRequestError(400, `line ${n}: ${err.message}`);
        throw err;
      }
    });
  }

  private send(res: ServerResponse, status: number, body: object): void {
    this.sendRaw(res, status, JSON.stringify(body));
  }

  private sendRaw(res: ServerResponse, status: number, body: string): void {
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  }
}

function parseJson(text: string | Buffer, where: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text.toString());
  } catch (err) {
    throw new ApiRequestError(400, `${where} is not JSON: ${(err as Error).message}`);
  }
  // The client protocol's limit: deeper data could not be encoded for subscribers.
  if (deeperThan(value, MAX_JSON_DEPTH)) throw new ApiRequestError(400, `${where} is JSON nested deeper than ${MAX_JSON_DEPTH}`);
  return value;
}

function withId(reply: ApiReply, id: number | undefined): object {
  return id ? { id, ...reply } : reply;
}

import { Injectable, Logger } from '@nestjs/common';
import type { StreamPosition } from '../protocol/frames.js';
import { ErrorCode, errorMessages } from '../protocol/codes.js';
import { StreamingError } from '../protocol/protocol-error.js';
import { StreamingManager } from '../manager/streaming-manager.js';
import { apiMethods, checkParams, isApiMethod, type ApiMethod } from './api-schema.js';
import { ApiRequestError } from './api-request-error.js';

export interface ApiErrorBody {
  code: number;
  message: string;
}
export type ApiReply = { result: object } | { error: ApiErrorBody };

/** A method call whose params were checked: run it with `execute`. */
export interface ApiCall {
  method: ApiMethod;
  params: Record<string, unknown>;
}

type Params = Record<string, unknown>;

function requireString(params: Params, field: string): string {
  const value = params[field];
  if (typeof value !== 'string' || value === '') throw StreamingError.of(ErrorCode.BadRequest, `${field} required`);
  return value;
}

/** Centrifugo's params are protobuf messages, where 0 is the unset value. */
function unsetIfZero(value: unknown): number | undefined {
  return typeof value === 'number' && value !== 0 ? value : undefined;
}

function positionResult(position: StreamPosition | undefined): object {
  return position ? { offset: position.offset, epoch: position.epoch } : {};
}

/**
 * The server API's methods over `StreamingManager`, with Centrifugo's params and results. The
 * transport decodes; this checks and runs. Calls act as the server: no client permission applies.
 */
@Injectable()
export class ApiExecutor {
  private readonly logger = new Logger('Streaming');

  constructor(private readonly streaming: StreamingManager) {}

  /** Checks a method and its params; throws ApiRequestError (HTTP 400 or 404) when they are malformed. */
  prepare(method: string, params: unknown): ApiCall {
    if (!isApiMethod(method)) throw new ApiRequestError(404, `unknown method ${JSON.stringify(method)}; methods: ${apiMethods.join(', ')}`);
    const checked = checkParams(method, params);
    if (typeof checked === 'string') throw new ApiRequestError(400, checked);
    if (method === 'batch') {
      checked.commands = ((checked.commands as Params[] | undefined) ?? []).map((command, i) => {
        const keys = Object.keys(command);
        const inner = keys[0];
        if (keys.length !== 1 || inner === undefined || inner === 'batch' || !isApiMethod(inner)) {
          throw new ApiRequestError(400, `batch.commands[${i}] must have exactly one method key, got ${JSON.stringify(keys)}`);
        }
        return this.prepare(inner, command[inner]);
      });
    }
    return { method, params: checked };
  }

  /** Runs a prepared call; never throws: failures are the reply's `error`. */
  async execute(call: ApiCall): Promise<ApiReply> {
    try {
      return { result: await this.run(call) };
    } catch (err) {
      if (err instanceof StreamingError) {
        this.logger.debug(`api ${call.method}: error ${err.code} ${err.message}`);
        return { error: { code: err.code, message: err.message } };
      }
      this.logger.error(`api ${call.method} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      return { error: { code: ErrorCode.Internal, message: errorMessages[ErrorCode.Internal] } };
    }
  }

  private async run({ method, params }: ApiCall): Promise<object> {
    if (typeof params.session === 'string' && params.session !== '') {
      throw StreamingError.of(ErrorCode.NotAvailable, 'session: connections have no session id here, use client');
    }
    if (params.b64data !== undefined) throw StreamingError.of(ErrorCode.NotAvailable, 'b64data: publications carry JSON data');
    switch (method) {
      case 'publish':
        return this.publish(requireString(params, 'channel'), params);
      case 'broadcast':
        return this.broadcast(params);
      case 'subscribe':
        await this.streaming.subscribe((params.user as string) ?? '', requireString(params, 'channel'), {
          client: params.client as string | undefined,
          info: params.info,
          data: params.data,
          recoverSince: params.recover_since as StreamPosition | undefined,
          expireAt: unsetIfZero(params.expire_at),
        });
        return {};
      case 'unsubscribe':
        await this.streaming.unsubscribe((params.user as string) ?? '', requireString(params, 'channel'), params.client as string | undefined);
        return {};
      case 'disconnect': {
        const disconnect = params.disconnect as { code?: number; reason?: string } | undefined;
        await this.streaming.disconnect((params.user as string) ?? '', {
          client: params.client as string | undefined,
          whitelist: params.whitelist as string[] | undefined,
          code: disconnect?.code || undefined,
          reason: disconnect?.reason || undefined,
        });
        return {};
      }
      case 'refresh':
        await this.streaming.refresh((params.user as string) ?? '', {
          client: params.client as string | undefined,
          expired: params.expired as boolean | undefined,
          expireAt: unsetIfZero(params.expire_at),
          info: params.info,
        });
        return {};
      case 'presence':
        return { presence: await this.streaming.presence(requireString(params, 'channel')) };
      case 'presence_stats': {
        const stats = await this.streaming.presenceStats(requireString(params, 'channel'));
        return { num_clients: stats.numClients, num_users: stats.numUsers };
      }
      case 'history': {
        const page = await this.streaming.history(requireString(params, 'channel'), {
          limit: params.limit as number | undefined,
          since: params.since as StreamPosition | undefined,
          reverse: params.reverse as boolean | undefined,
        });
        return { publications: page.publications, offset: page.offset, epoch: page.epoch };
      }
      case 'history_remove':
        await this.streaming.removeHistory(requireString(params, 'channel'));
        return {};
      case 'channels': {
        const channels = this.streaming.channels(params.pattern as string | undefined);
        return { channels: Object.fromEntries(Object.entries(channels).map(([name, c]) => [name, { num_clients: c.numClients }])) };
      }
      case 'info': {
        const nodes = this.streaming.nodes().map((node) => ({
          uid: node.uid,
          name: node.name,
          num_clients: node.numClients,
          num_users: node.numUsers,
          num_channels: node.numChannels,
          num_subs: node.numSubscriptions,
          uptime: node.uptime,
        }));
        return { nodes };
      }
      case 'batch':
        return this.batch(params.commands as ApiCall[], params.parallel === true);
    }
  }

  private async publish(channel: string, params: Params): Promise<object> {
    if (params.data === undefined) throw StreamingError.of(ErrorCode.BadRequest, 'data required');
    const position = await this.streaming.publish(channel, params.data, {
      tags: params.tags as Record<string, string> | undefined,
      skipHistory: params.skip_history as boolean | undefined,
      idempotencyKey: params.idempotency_key as string | undefined,
    });
    return positionResult(position);
  }

  /** One reply per channel, in order: a channel's failure does not fail the others (Centrifugo). */
  private async broadcast(params: Params): Promise<object> {
    const channels = (params.channels as string[] | undefined) ?? [];
    if (channels.length === 0) throw StreamingError.of(ErrorCode.BadRequest, 'channels required');
    const responses = await Promise.all(
      channels.map((channel) => this.execute({ method: 'publish', params: { ...params, channel } })),
    );
    return { responses };
  }

  /** Replies as Centrifugo's batch: `{<method>: result}` or `{error}` per command, in order. */
  private async batch(commands: ApiCall[], parallel: boolean): Promise<object> {
    const one = async (call: ApiCall): Promise<object> => {
      const reply = await this.execute(call);
      return 'error' in reply ? reply : { [call.method]: reply.result };
    };
    if (parallel) return { replies: await Promise.all(commands.map(one)) };
    const replies: object[] = [];
    for (const call of commands) replies.push(await one(call));
    return { replies };
  }
}

// Handler classes, enhancers and helpers of the HandlerRegistry tests (test/handlers.spec.ts).
import {
  Catch,
  createParamDecorator,
  Injectable,
  UnauthorizedException,
  UseFilters,
  UseGuards,
  UseInterceptors,
  UsePipes,
  ValidationPipe,
  type ArgumentsHost,
  type CallHandler,
  type CanActivate,
  type ExceptionFilter,
  type ExecutionContext,
  type NestInterceptor,
  type Provider,
} from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test, type TestingModule } from '@nestjs/testing';
import { IsInt, IsString, Length } from 'class-validator';
import { map, of, type Observable } from 'rxjs';
import type { ClientInfo } from '../../lib/engine/client-info.js';
import {
  OnConnect,
  OnDisconnect,
  OnMessage,
  OnPublish,
  OnRpc,
  OnSubscribe,
  OnUnsubscribe,
  StreamingHandlers,
} from '../../lib/handlers/handler.decorators.js';
import type { HandlerExtra } from '../../lib/handlers/handler-args.js';
import { HandlerRegistry } from '../../lib/handlers/handler-registry.js';
import { ChannelName, ConnectedClient, StreamingBody } from '../../lib/handlers/param.decorators.js';
import { ErrorCode } from '../../lib/protocol/codes.js';
import { StreamingError } from '../../lib/protocol/protocol-error.js';
import { CapturingLogger } from './capturing-logger.js';

export function client(overrides: Partial<ClientInfo> = {}): ClientInfo {
  return { id: 'c1', user: 'alice', transport: 'websocket', ip: '127.0.0.1', headers: {}, channels: [], roles: [], ...overrides };
}

export async function rejection(promise: Promise<unknown>): Promise<StreamingError> {
  const err = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StreamingError);
  return err as StreamingError;
}

export async function start(providers: Provider[], logger = new CapturingLogger()): Promise<TestingModule> {
  const moduleRef = await Test.createTestingModule({ imports: [DiscoveryModule], providers: [HandlerRegistry, ...providers] })
    .setLogger(logger)
    .compile();
  await moduleRef.init();
  return moduleRef;
}

/** A real provider the handlers record their calls in. */
@Injectable()
export class Calls {
  readonly list: string[] = [];
}

@StreamingHandlers()
@Injectable()
export class ChannelHandlerSet {
  constructor(private readonly calls: Calls) {}

  @OnSubscribe('chat:*')
  chat(@ChannelName() channel: string) {
    this.calls.list.push(`chat ${channel}`);
    return { data: 'from chat', info: { room: channel } };
  }

  @OnSubscribe()
  any(@ChannelName() channel: string) {
    this.calls.list.push(`any ${channel}`);
    return { data: 'from any' };
  }

  @OnSubscribe('chat:team-*')
  @OnSubscribe('news')
  @OnSubscribe('*:team-*')
  teams(@ChannelName() channel: string) {
    this.calls.list.push(`teams ${channel}`);
  }

  @OnPublish('chat:*')
  stamp(@StreamingBody() body: Record<string, unknown>) {
    return { data: { ...body, stamped: true }, tags: { type: 'message' } };
  }

  @OnPublish()
  count(@StreamingBody() body: Record<string, unknown>) {
    return { data: { ...body, seen: Object.keys(body) }, tags: { by: 'count' }, skipHistory: true };
  }

  @OnPublish('chat:*')
  observe(@StreamingBody('text') text: string) {
    this.calls.list.push(`observe ${text}`);
  }

  @OnUnsubscribe('chat:*')
  left(@ConnectedClient() c: ClientInfo, @ChannelName() channel: string) {
    this.calls.list.push(`left ${c.user} ${channel}`);
  }
}

@Injectable()
export class RolesGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const who = context.switchToWs().getClient<ClientInfo>();
    return context.getType() === 'ws' && (who.roles ?? []).includes('admin');
  }
}

class PostDto {
  @IsString()
  @Length(1, 5)
  text!: string;

  @IsInt()
  priority!: number;
}

/** Adds a field, and proves it sees the ws context. */
@Injectable()
class EnvelopeInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const ws = context.switchToWs();
    const { method } = context.getArgByIndex<HandlerExtra>(2);
    return next.handle().pipe(map((value) => ({ value, method, user: ws.getClient<ClientInfo>().user })));
  }
}

class QuotaError extends Error {}

@Catch(QuotaError)
class QuotaFilter implements ExceptionFilter {
  catch(exception: QuotaError, host: ArgumentsHost) {
    const who = host.switchToWs().getClient<ClientInfo>();
    throw new StreamingError(ErrorCode.LimitExceeded, `${exception.message} for ${who.user}`);
  }
}

/** A custom decorator built the usual Nest way. */
const Greeting = createParamDecorator((prefix: string, ctx: ExecutionContext) => {
  const ws = ctx.switchToWs();
  return `${prefix} ${ws.getClient<ClientInfo>().user}, you sent ${JSON.stringify(ws.getData())}`;
});

@StreamingHandlers()
@Injectable()
export class EnhancedHandlers {
  constructor(private readonly calls: Calls) {}

  @OnPublish('admin:*')
  @UseGuards(RolesGuard)
  adminOnly(@StreamingBody() body: unknown) {
    return { data: { approved: body } };
  }

  @OnRpc('post')
  post(@StreamingBody(new ValidationPipe({ transform: true })) body: PostDto) {
    return { isDto: body instanceof PostDto, text: body.text };
  }

  @OnRpc('post.viaUsePipes')
  @UsePipes(new ValidationPipe({ transform: true }))
  postViaUsePipes(@StreamingBody() body: PostDto, @ConnectedClient() who: ClientInfo) {
    return { isDto: body instanceof PostDto, user: who.user };
  }

  @OnRpc('enveloped')
  @UseInterceptors(EnvelopeInterceptor)
  enveloped(@StreamingBody() body: unknown) {
    return Promise.resolve(body);
  }

  @OnRpc('stream')
  stream() {
    return of(1, 2, 3);
  }

  @OnRpc('quota')
  @UseFilters(QuotaFilter)
  quota() {
    throw new QuotaError('quota exceeded');
  }

  @OnRpc('greet')
  greet(@Greeting('hello') greeting: string) {
    return greeting;
  }

  @OnRpc('broken')
  broken() {
    throw new TypeError('secret detail');
  }

  @OnRpc('echo')
  echo(data: unknown, who: ClientInfo) {
    return { data, user: who.user };
  }

  @OnConnect()
  first(@ConnectedClient() who: ClientInfo) {
    if (who.user === '') throw new UnauthorizedException('anonymous not welcome');
    this.calls.list.push('connect first');
    return { data: { step: 1 } };
  }

  @OnConnect()
  second() {
    this.calls.list.push('connect second');
    return { data: { step: 2 } };
  }

  @OnConnect()
  third() {
    this.calls.list.push('connect third');
  }

  @OnMessage()
  message(@StreamingBody() body: unknown) {
    this.calls.list.push(`message ${JSON.stringify(body)}`);
  }

  @OnDisconnect()
  failingCleanup() {
    throw new Error('cleanup failed');
  }

  @OnDisconnect()
  cleanup(@StreamingBody() body: { code: number; reason: string }, @ConnectedClient() who: ClientInfo) {
    this.calls.list.push(`disconnect ${who.user} ${body.code} ${body.reason}`);
  }
}

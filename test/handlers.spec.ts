import {
  BadRequestException,
  Catch,
  createParamDecorator,
  ForbiddenException,
  HttpException,
  Injectable,
  InternalServerErrorException,
  Logger,
  NotFoundException,
  PayloadTooLargeException,
  Scope,
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
import { WsException } from '@nestjs/websockets';
import { Test, type TestingModule } from '@nestjs/testing';
import { IsInt, IsString, Length } from 'class-validator';
import { map, of, type Observable } from 'rxjs';
import type { ClientInfo } from '../lib/engine/client-info.js';
import { compileChannelPattern } from '../lib/handlers/channel-pattern.js';
import { mapException } from '../lib/handlers/exception-mapper.js';
import {
  OnConnect,
  OnDisconnect,
  OnMessage,
  OnPublish,
  OnRpc,
  OnSubscribe,
  OnUnsubscribe,
  StreamingHandlers,
} from '../lib/handlers/handler.decorators.js';
import type { HandlerExtra } from '../lib/handlers/handler-args.js';
import { HandlerRegistry } from '../lib/handlers/handler-registry.js';
import { ChannelName, ConnectedClient, StreamingBody } from '../lib/handlers/param.decorators.js';
import { DisconnectCode, ErrorCode } from '../lib/protocol/codes.js';
import { DisconnectError, StreamingError } from '../lib/protocol/protocol-error.js';
import { CapturingLogger } from './support/capturing-logger.js';

function client(overrides: Partial<ClientInfo> = {}): ClientInfo {
  return { id: 'c1', user: 'alice', transport: 'websocket', ip: '127.0.0.1', headers: {}, channels: [], roles: [], ...overrides };
}

async function rejection(promise: Promise<unknown>): Promise<StreamingError> {
  const err = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StreamingError);
  return err as StreamingError;
}

async function start(providers: Provider[], logger = new CapturingLogger()): Promise<TestingModule> {
  const moduleRef = await Test.createTestingModule({ imports: [DiscoveryModule], providers: [HandlerRegistry, ...providers] })
    .setLogger(logger)
    .compile();
  await moduleRef.init();
  return moduleRef;
}

/** A real provider the handlers record their calls in. */
@Injectable()
class Calls {
  readonly list: string[] = [];
}

@StreamingHandlers()
@Injectable()
class ChannelHandlerSet {
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
class RolesGuard implements CanActivate {
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
class EnhancedHandlers {
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

describe('HandlerRegistry', () => {
  let moduleRef: TestingModule;
  let registry: HandlerRegistry;
  let calls: Calls;
  let logger: CapturingLogger;

  beforeAll(async () => {
    logger = new CapturingLogger();
    moduleRef = await start([Calls, RolesGuard, ChannelHandlerSet, EnhancedHandlers], logger);
    registry = moduleRef.get(HandlerRegistry);
    calls = moduleRef.get(Calls);
  });
  afterAll(() => moduleRef.close());
  beforeEach(() => {
    calls.list.length = 0;
    logger.lines.length = 0;
  });

  describe('channel events', () => {
    it('runs the handlers whose pattern matches, in declaration order, once per method', async () => {
      const result = await registry.onSubscribe({ client: client(), channel: 'chat:team-1', data: null, subscriptionToken: false });
      expect(calls.list).toEqual(['chat chat:team-1', 'any chat:team-1', 'teams chat:team-1']);
      // `any` ran after `chat`, so its data wins; `info` came only from `chat`.
      expect(result).toEqual({ data: 'from any', info: { room: 'chat:team-1' } });

      calls.list.length = 0;
      await registry.onSubscribe({ client: client(), channel: 'news', data: null, subscriptionToken: false });
      expect(calls.list).toEqual(['any news', 'teams news']);

      calls.list.length = 0;
      await registry.onSubscribe({ client: client(), channel: 'chatroom', data: null, subscriptionToken: false });
      expect(calls.list).toEqual(['any chatroom']);
    });

    it('chains publish handlers: each sees the data the previous one returned', async () => {
      const result = await registry.onPublish({ client: client(), channel: 'chat:general', data: { text: 'hi' } });
      expect(result).toEqual({
        data: { text: 'hi', stamped: true, seen: ['text', 'stamped'] },
        tags: { type: 'message', by: 'count' },
        skipHistory: true,
      });
      // The last handler returned nothing and saw the transformed data.
      expect(calls.list).toEqual(['observe hi']);
    });

    it('passes the client and channel to unsubscribe handlers', async () => {
      await registry.onUnsubscribe({ client: client({ user: 'bob' }), channel: 'chat:x' });
      await registry.onUnsubscribe({ client: client({ user: 'bob' }), channel: 'news' });
      expect(calls.list).toEqual(['left bob chat:x']);
    });
  });

  describe('Nest enhancers', () => {
    it('turns a guard that denies into 103, and lets an admin through', async () => {
      const denied = await rejection(registry.onPublish({ client: client({ roles: ['user'] }), channel: 'admin:ops', data: 1 }));
      expect(denied.code).toBe(ErrorCode.PermissionDenied);
      expect(denied.message).toBe('Forbidden resource');

      // ChannelHandlerSet.count (any channel) was registered first, so it runs first.
      const allowed = await registry.onPublish({ client: client({ roles: ['admin'] }), channel: 'admin:ops', data: { n: 1 } });
      expect(allowed).toEqual({ data: { approved: { n: 1, seen: ['n'] } }, tags: { by: 'count' }, skipHistory: true });
    });

    it('validates a DTO with a ValidationPipe given to @StreamingBody: 107 with the reasons, or a class instance', async () => {
      const bad = await rejection(registry.onRpc({ client: client(), method: 'post', data: { text: 'too long', priority: 'x' } }));
      expect(bad.code).toBe(ErrorCode.BadRequest);
      expect(bad.message).toBe('text must be shorter than or equal to 5 characters; priority must be an integer number');
      expect(bad.temporary).toBe(false);

      const good = await registry.onRpc({ client: client(), method: 'post', data: { text: 'hey', priority: 1 } });
      expect(good).toEqual({ isDto: true, text: 'hey' });
    });

    it('applies pipes from @UsePipes to @StreamingBody', async () => {
      const bad = await rejection(registry.onRpc({ client: client(), method: 'post.viaUsePipes', data: { text: '', priority: 1 } }));
      expect(bad.code).toBe(ErrorCode.BadRequest);
      expect(bad.message).toBe('text must be longer than or equal to 1 characters');

      const good = await registry.onRpc({ client: client(), method: 'post.viaUsePipes', data: { text: 'a', priority: 2 } });
      expect(good).toEqual({ isDto: true, user: 'alice' });
    });

    it('awaits interceptors that transform the result', async () => {
      const reply = await registry.onRpc({ client: client(), method: 'enveloped', data: { n: 1 } });
      expect(reply).toEqual({ value: { n: 1 }, method: 'enveloped', user: 'alice' });
    });

    it('resolves an Observable a handler returns to its last value', async () => {
      await expect(registry.onRpc({ client: client(), method: 'stream', data: null })).resolves.toBe(3);
    });

    it('lets an exception filter choose the protocol error', async () => {
      const err = await rejection(registry.onRpc({ client: client({ user: 'carol' }), method: 'quota', data: null }));
      expect(err.code).toBe(ErrorCode.LimitExceeded);
      expect(err.message).toBe('quota exceeded for carol');
    });

    it('resolves custom param decorators made with createParamDecorator', async () => {
      const reply = await registry.onRpc({ client: client(), method: 'greet', data: { a: 1 } });
      expect(reply).toBe('hello alice, you sent {"a":1}');
    });
  });

  describe('rpc', () => {
    it('answers 104 for a method nobody handles', async () => {
      const err = await rejection(registry.onRpc({ client: client(), method: 'nope', data: null }));
      expect(err.code).toBe(ErrorCode.MethodNotFound);
      expect(err.message).toBe('method not found');
    });

    it('passes (data, client) to a handler without param decorators', async () => {
      const reply = await registry.onRpc({ client: client({ user: 'dave' }), method: 'echo', data: [1, 2] });
      expect(reply).toEqual({ data: [1, 2], user: 'dave' });
    });

    it('hides an unexpected error from the client and logs it', async () => {
      const err = await rejection(registry.onRpc({ client: client(), method: 'broken', data: null }));
      expect(err.code).toBe(ErrorCode.Internal);
      expect(err.message).toBe('internal server error');
      expect(err.temporary).toBe(true);
      expect(logger.errors('Streaming').join('\n')).toContain('secret detail');
    });
  });

  describe('connection events', () => {
    it('runs every connect handler in order, the last data winning', async () => {
      await expect(registry.onConnect({ client: client(), data: null })).resolves.toEqual({ data: { step: 2 } });
      expect(calls.list).toEqual(['connect first', 'connect second', 'connect third']);
    });

    it('refuses a connection when a handler throws', async () => {
      const err = await rejection(registry.onConnect({ client: client({ user: '' }), data: null }));
      expect(err.code).toBe(ErrorCode.Unauthorized);
      expect(err.message).toBe('anonymous not welcome');
      expect(calls.list).toEqual([]);
    });

    it('delivers async messages', async () => {
      await registry.onMessage({ client: client(), data: { ping: 1 } });
      expect(calls.list).toEqual(['message {"ping":1}']);
    });

    it('runs every disconnect handler and only logs failures', async () => {
      await expect(registry.onDisconnect({ client: client(), code: 3000, reason: 'connection closed' })).resolves.toBeUndefined();
      expect(calls.list).toEqual(['disconnect alice 3000 connection closed']);
      const errors = logger.errors('Streaming');
      // The fault once with its stack, then which handler it was.
      expect(errors.filter((line) => line.includes('Error: cleanup failed'))).toEqual([expect.stringContaining('    at ')]);
      expect(errors).toContainEqual(expect.stringContaining('EnhancedHandlers.failingCleanup failed on disconnect: 100 internal server error'));
    });
  });
});

describe('HandlerRegistry at startup', () => {
  it('works with no handlers at all', async () => {
    const moduleRef = await start([]);
    const registry = moduleRef.get(HandlerRegistry);
    const c = client();
    await expect(registry.onConnect({ client: c, data: 1 })).resolves.toBeUndefined();
    await expect(registry.onSubscribe({ client: c, channel: 'a', data: 1, subscriptionToken: false })).resolves.toBeUndefined();
    await expect(registry.onPublish({ client: c, channel: 'a', data: 1 })).resolves.toBeUndefined();
    await expect(registry.onUnsubscribe({ client: c, channel: 'a' })).resolves.toBeUndefined();
    await expect(registry.onMessage({ client: c, data: 1 })).resolves.toBeUndefined();
    await expect(registry.onDisconnect({ client: c, code: 3000, reason: '' })).resolves.toBeUndefined();
    expect((await rejection(registry.onRpc({ client: c, method: 'x', data: 1 }))).code).toBe(ErrorCode.MethodNotFound);
    await moduleRef.close();
  });

  it('refuses two handlers for one rpc method, naming both', async () => {
    @StreamingHandlers()
    @Injectable()
    class First {
      @OnRpc('dup')
      a() {}
    }
    @StreamingHandlers()
    @Injectable()
    class Second {
      @OnRpc('dup')
      b() {}
    }
    await expect(start([First, Second])).rejects.toThrow('rpc method "dup" has two handlers: First.a and Second.b');
  });

  it('refuses request-scoped handler classes', async () => {
    @StreamingHandlers()
    @Injectable({ scope: Scope.REQUEST })
    class PerRequest {
      @OnRpc('x')
      x() {}
    }
    await expect(start([PerRequest])).rejects.toThrow('PerRequest: @StreamingHandlers() classes must be singletons');
  });

  it('ignores providers that are not marked @StreamingHandlers()', async () => {
    @Injectable()
    class Unmarked {
      @OnRpc('x')
      x() {
        return 1;
      }
    }
    const moduleRef = await start([Unmarked]);
    const err = await rejection(moduleRef.get(HandlerRegistry).onRpc({ client: client(), method: 'x', data: null }));
    expect(err.code).toBe(ErrorCode.MethodNotFound);
    await moduleRef.close();
  });
});

describe('compileChannelPattern', () => {
  it.each([
    ['*', 'anything', true],
    ['*', '', true],
    ['chat:*', 'chat:general', true],
    ['chat:*', 'chat:', true],
    ['chat:*', 'chat:a:b', true],
    ['chat:*', 'chatroom', false],
    ['chat:*', 'xchat:a', false],
    ['chat:team-*', 'chat:team-red', true],
    ['chat:team-*', 'chat:general', false],
    ['*:team-*', 'dm:team-1', true],
    ['news', 'news', true],
    ['news', 'news:x', false],
    ['a.b', 'axb', false],
    ['a.b*', 'a.bc', true],
    ['[x]+*', '[x]+y', true],
  ])('%s matches %s: %s', (pattern, channel, expected) => {
    expect(compileChannelPattern(pattern)(channel)).toBe(expected);
  });
});

describe('mapException', () => {
  const logger = new CapturingLogger();
  beforeAll(() => Logger.overrideLogger(logger));
  beforeEach(() => (logger.lines.length = 0));

  it.each([
    ['400 with a string', new BadRequestException('bad shape'), 107, 'bad shape'],
    ['400 with a list', new BadRequestException(['a is wrong', 'b is wrong']), 107, 'a is wrong; b is wrong'],
    ['400 without a message', new HttpException({ error: 'x' }, 400), 107, 'bad request'],
    ['400 with an Error as cause', new HttpException(new Error('internal detail'), 400), 107, 'bad request'],
    ['401', new UnauthorizedException(), 101, 'Unauthorized'],
    ['403', new ForbiddenException('members only'), 103, 'members only'],
    ['404', new NotFoundException('no such room'), 102, 'no such room'],
    ['413', new PayloadTooLargeException(), 106, 'Payload Too Large'],
    ['429', new HttpException('slow down', 429), 111, 'slow down'],
    ['another 4xx', new HttpException('gone', 410), 107, 'gone'],
    ['5xx', new InternalServerErrorException('db password wrong'), 100, 'internal server error'],
    ['a WsException with a string', new WsException('not yours'), 103, 'not yours'],
    ['a WsException with a code', new WsException({ code: 1001, message: 'quota used up' }), 1001, 'quota used up'],
    ['a WsException without a message', new WsException({ code: 102 }), 102, 'unknown channel'],
    ['an Error', new Error('boom'), 100, 'internal server error'],
    ['a string', 'boom', 100, 'internal server error'],
  ])('maps %s', (_name, thrown, code, message) => {
    const err = mapException(thrown);
    expect(err).toBeInstanceOf(StreamingError);
    expect((err as StreamingError).code).toBe(code);
    expect(err.message).toBe(message);
    expect((err as StreamingError).temporary).toBe(code === 100 || code === 111);
  });

  it('logs what it hides, and only that', () => {
    mapException(new InternalServerErrorException('db password wrong'));
    mapException('plain string');
    mapException(new ForbiddenException());
    const errors = logger.errors('Streaming');
    expect(errors).toHaveLength(2);
    expect(errors[0]).toContain('db password wrong');
    expect(errors[1]).toContain('plain string');
  });

  it('passes protocol errors through unchanged', () => {
    const streaming = new StreamingError(ErrorCode.AlreadySubscribed);
    const disconnect = DisconnectError.of(DisconnectCode.InvalidToken);
    expect(mapException(streaming)).toBe(streaming);
    expect(mapException(disconnect)).toBe(disconnect);
    expect(logger.lines).toEqual([]);
  });
});

import { Injectable, Scope } from '@nestjs/common';
import { type TestingModule } from '@nestjs/testing';
import { OnRpc, StreamingHandlers } from '../lib/handlers/handler.decorators.js';
import { HandlerRegistry } from '../lib/handlers/handler-registry.js';
import { ErrorCode } from '../lib/protocol/codes.js';
import { CapturingLogger } from './support/capturing-logger.js';
import { client, rejection, start, Calls, ChannelHandlerSet, RolesGuard, EnhancedHandlers } from './support/handler-fixtures.js';

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

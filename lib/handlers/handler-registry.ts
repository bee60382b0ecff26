import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, ExternalContextCreator, MetadataScanner } from '@nestjs/core';
import type { ClientInfo } from '../engine/client-info.js';
import type {
  ChannelEvent,
  ConnectEvent,
  ConnectHookResult,
  DisconnectEvent,
  HandlerHooks,
  MessageEvent,
  PublishEvent,
  PublishHookResult,
  RpcEvent,
  SubscribeEvent,
  SubscribeHookResult,
} from '../engine/handler-hooks.interface.js';
import { ErrorCode } from '../protocol/codes.js';
import { StreamingError } from '../protocol/protocol-error.js';
import { ChannelHandlers } from './channel-handlers.js';
import { paramsMetadataKey } from './default-params.js';
import { mapException } from './exception-mapper.js';
import type { HandlerArgs, HandlerExtra } from './handler-args.js';
import { type ChannelEventKind, getHandlerBindings, type HandlerBinding, isBuiltInHandlerClass, isHandlerClass } from './handler-metadata.js';
import { StreamingParamsFactory } from './params-factory.js';

/** Nest's `InstanceWrapper`, named through the public `DiscoveryService` rather than a deep import. */
type ProviderWrapper = ReturnType<DiscoveryService['getProviders']>[number];

interface Handler {
  /** `Class.method`, for startup errors and logs. */
  name: string;
  /** The method behind Nest's guards, interceptors, pipes and filters. */
  invoke: (...args: HandlerArgs) => Promise<unknown>;
  /** One of the module's own: an app's handler of the same rpc replaces it. */
  builtIn: boolean;
}

/**
 * Finds the `@StreamingHandlers()` providers at startup and runs their decorated methods for the
 * engine's hooks, through Nest's enhancer pipeline as an HTTP controller's would run.
 */
@Injectable()
export class HandlerRegistry implements HandlerHooks, OnModuleInit {
  private readonly logger = new Logger('Streaming');
  private readonly paramsFactory = new StreamingParamsFactory();
  private readonly connect: Handler[] = [];
  private readonly message: Handler[] = [];
  private readonly disconnect: Handler[] = [];
  private readonly subscribe = new ChannelHandlers<Handler>();
  private readonly publish = new ChannelHandlers<Handler>();
  private readonly unsubscribe = new ChannelHandlers<Handler>();
  private readonly rpc = new Map<string, Handler>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly contextCreator: ExternalContextCreator,
  ) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const instance = handlerInstance(wrapper);
      if (instance) this.register(instance);
    }
  }

  async onConnect({ client, data }: ConnectEvent): Promise<ConnectHookResult | undefined> {
    let result: ConnectHookResult | undefined;
    for (const handler of this.connect) {
      const out = await call(handler, client, data, {});
      if (isObject(out) && out.data !== undefined) result = { data: out.data };
    }
    return result;
  }

  async onSubscribe({ client, channel, data, subscriptionToken }: SubscribeEvent): Promise<SubscribeHookResult | undefined> {
    let result: SubscribeHookResult | undefined;
    for (const handler of this.subscribe.match(channel)) {
      const out = await call(handler, client, data, { channel, subscriptionToken });
      if (!isObject(out)) continue;
      result ??= {};
      if (out.data !== undefined) result.data = out.data;
      if (out.info !== undefined) result.info = out.info;
    }
    return result;
  }

  async onPublish({ client, channel, data }: PublishEvent): Promise<PublishHookResult | undefined> {
    let result: PublishHookResult | undefined;
    // Each handler sees the data as the handlers before it left it.
    let current = data;
    for (const handler of this.publish.match(channel)) {
      const out = await call(handler, client, current, { channel });
      if (!isObject(out)) continue;
      result ??= {};
      if (out.data !== undefined) current = result.data = out.data;
      if (out.tags !== undefined) result.tags = { ...result.tags, ...(out.tags as Record<string, string>) };
      if (out.skipHistory !== undefined) result.skipHistory = out.skipHistory === true;
      if (out.ephemeral !== undefined) result.ephemeral = out.ephemeral === true;
    }
    return result;
  }

  async onRpc({ client, method, data }: RpcEvent): Promise<unknown> {
    const handler = this.rpc.get(method);
    if (!handler) throw new StreamingError(ErrorCode.MethodNotFound);
    return call(handler, client, data, { method });
  }

  async onMessage({ client, data }: MessageEvent): Promise<void> {
    for (const handler of this.message) await call(handler, client, data, {});
  }

  async onUnsubscribe({ client, channel }: ChannelEvent): Promise<void> {
    for (const handler of this.unsubscribe.match(channel)) await call(handler, client, undefined, { channel });
  }

  async onDisconnect({ client, code, reason }: DisconnectEvent): Promise<void> {
    // The client is gone: a failing handler must not keep the others from cleaning up.
    for (const handler of this.disconnect) {
      try {
        await handler.invoke(client, { code, reason }, {});
      } catch (err) {
        this.logger.error(`${handler.name} failed on disconnect: ${errorText(err)}`);
      }
    }
  }

  private register(instance: object): void {
    const prototype = Object.getPrototypeOf(instance) as Record<string, Function>;
    for (const methodName of this.scanner.getAllMethodNames(prototype)) {
      const bindings = getHandlerBindings(prototype[methodName]);
      if (bindings.length === 0) continue;
      const handler: Handler = {
        name: `${instance.constructor.name}.${methodName}`,
        builtIn: isBuiltInHandlerClass(instance.constructor),
        invoke: this.contextCreator.create(
          instance,
          prototype[methodName] as (...args: unknown[]) => unknown,
          methodName,
          paramsMetadataKey(instance.constructor, methodName),
          this.paramsFactory,
          undefined,
          undefined,
          { guards: true, interceptors: true, filters: true },
          'ws',
        ),
      };
      this.bind(handler, bindings);
    }
  }

  private bind(handler: Handler, bindings: readonly HandlerBinding[]): void {
    // One method runs once per event, however many of its patterns match.
    const patterns: Record<ChannelEventKind, string[]> = { subscribe: [], publish: [], unsubscribe: [] };
    const events = new Set<string>();
    for (const binding of bindings) {
      if ('pattern' in binding) patterns[binding.event].push(binding.pattern);
      else if ('method' in binding) this.bindRpc(binding.method, handler);
      else events.add(binding.event);
    }
    if (events.has('connect')) this.connect.push(handler);
    if (events.has('message')) this.message.push(handler);
    if (events.has('disconnect')) this.disconnect.push(handler);
    for (const kind of ['subscribe', 'publish', 'unsubscribe'] as const) {
      if (patterns[kind].length > 0) this[kind].add(patterns[kind], handler);
    }
  }

  private bindRpc(method: string, handler: Handler): void {
    const existing = this.rpc.get(method);
    if (existing && existing !== handler) {
      if (handler.builtIn && !existing.builtIn) return;
      if (!(existing.builtIn && !handler.builtIn)) throw new Error(`rpc method "${method}" has two handlers: ${existing.name} and ${handler.name}`);
    }
    this.rpc.set(method, handler);
  }
}

/** The instance to register, if the provider is a handler class. */
function handlerInstance(wrapper: ProviderWrapper): object | undefined {
  const instance = wrapper.instance as object | undefined;
  const type = instance?.constructor ?? wrapper.metatype;
  if (wrapper.isAlias || !type || !isHandlerClass(type)) return undefined;
  // Hooks run outside any request, so only the one static instance can serve them.
  if (wrapper.isTransient || !wrapper.isDependencyTreeStatic()) {
    throw new Error(`${type.name}: @StreamingHandlers() classes must be singletons, with no request-scoped dependency`);
  }
  return instance;
}

/** Runs a handler; whatever it throws reaches the engine as a protocol error. */
async function call(handler: Handler, client: ClientInfo, data: unknown, extra: HandlerExtra): Promise<unknown> {
  try {
    return await handler.invoke(client, data, extra);
  } catch (err) {
    throw mapException(err);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** The handler's filter logged a fault's stack already (`mapException`): what reaches here is its protocol error. */
function errorText(err: unknown): string {
  const { code } = err as { code?: unknown };
  if (err instanceof Error && typeof code === 'number') return `${code} ${err.message}`;
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}

import { UseFilters } from '@nestjs/common';
import { BUILT_IN_HANDLERS_METADATA, HANDLER_BINDINGS_METADATA, type HandlerBinding, STREAMING_HANDLERS_METADATA } from './handler-metadata.js';
import { HandlerExceptionFilter } from './handler-exception.filter.js';

/** Marks a provider as a protocol handler class; list it in a module's `providers` as usual. */
export function StreamingHandlers(): ClassDecorator {
  return (target) => {
    Reflect.defineMetadata(STREAMING_HANDLERS_METADATA, true, target);
    UseFilters(new HandlerExceptionFilter())(target);
  };
}

/**
 * The module's own handler classes: as `@StreamingHandlers()`, except that an app's handler of the
 * same rpc method takes its place (an app keeps its own `typing` rpc).
 */
export function BuiltInHandlers(): ClassDecorator {
  return (target) => {
    StreamingHandlers()(target);
    Reflect.defineMetadata(BUILT_IN_HANDLERS_METADATA, true, target);
  };
}

function bind(binding: HandlerBinding): MethodDecorator {
  return (_target, _key, descriptor) => {
    const method = descriptor.value as Function;
    // A method may carry several decorators: each adds a binding.
    const bindings: HandlerBinding[] = Reflect.getOwnMetadata(HANDLER_BINDINGS_METADATA, method) ?? [];
    Reflect.defineMetadata(HANDLER_BINDINGS_METADATA, [...bindings, binding], method);
  };
}

/** Runs when a client connects; throw to refuse, return `{ data }` to send data in the connect reply. */
export const OnConnect = (): MethodDecorator => bind({ event: 'connect' });

/**
 * Runs before a subscription to a channel matching `pattern` (`*` matches any run of characters:
 * `chat:*`, `chat:team-*`); throw to refuse, return `{ data?, info? }`.
 */
export const OnSubscribe = (pattern = '*'): MethodDecorator => bind({ event: 'subscribe', pattern });

/**
 * Runs before a client publication is accepted; throw to refuse, return `{ data?, tags?, skipHistory?, ephemeral? }`.
 * The next matching handler sees the transformed data.
 */
export const OnPublish = (pattern = '*'): MethodDecorator => bind({ event: 'publish', pattern });

/** Runs after a client left a channel matching `pattern`. */
export const OnUnsubscribe = (pattern = '*'): MethodDecorator => bind({ event: 'unsubscribe', pattern });

/** Answers the `rpc` command for `method`; the return value is the reply's data. */
export const OnRpc = (method: string): MethodDecorator => bind({ event: 'rpc', method });

/** Receives the asynchronous `send` command; nothing is replied. */
export const OnMessage = (): MethodDecorator => bind({ event: 'message' });

/** Runs after a client disconnected; the body is `{ code, reason }`, errors are only logged. */
export const OnDisconnect = (): MethodDecorator => bind({ event: 'disconnect' });

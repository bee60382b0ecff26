import type { PipeTransform, Type } from '@nestjs/common';
import { BODY_PARAMTYPE, REQUEST_PARAMTYPE, ROUTE_ARGS_METADATA } from './nest-route-args.js';

/**
 * Kinds of handler parameters, as pipes see them in `ArgumentMetadata.type`. Body and Socket are
 * the numbers `@nestjs/websockets` gives its `@MessageBody()` and `@ConnectedSocket()` (its
 * `WsParamtype` is Nest's route param types), so a gateway's decorators work on handlers too.
 */
export const StreamingParamtype = {
  /** Nest's own body type, so pipes see `'body'`: ValidationPipe skips `'custom'` params. */
  Body: BODY_PARAMTYPE,
  /** `@ConnectedSocket()`: the client, as a gateway's handlers get their socket. */
  Socket: REQUEST_PARAMTYPE,
  /** Beyond Nest's route param types, so pipes see `'custom'` and a ValidationPipe leaves them alone. */
  Client: 40,
  Channel: 41,
} as const;

type Pipe = PipeTransform | Type<PipeTransform>;

/**
 * Params live under Nest's route-args key because `createParamDecorator` writes there and
 * `ExternalContextCreator` reads one key: a key of our own would hide users' custom decorators.
 */
function param(type: number, data?: string, pipes: Pipe[] = []): ParameterDecorator {
  return (target, key, index) => {
    if (key === undefined) throw new Error('streaming param decorators go on handler methods, not constructors');
    const args = Reflect.getMetadata(ROUTE_ARGS_METADATA, target.constructor, key) ?? {};
    Reflect.defineMetadata(
      ROUTE_ARGS_METADATA,
      { ...args, [`${type}:${index}`]: { index, data, pipes } },
      target.constructor,
      key,
    );
  };
}

/**
 * The command's data, or one property of it; pipes apply (e.g. `new ValidationPipe()`) with the
 * parameter's type as metatype.
 */
export function StreamingBody(...pipes: Pipe[]): ParameterDecorator;
export function StreamingBody(property: string, ...pipes: Pipe[]): ParameterDecorator;
export function StreamingBody(propertyOrPipe?: string | Pipe, ...pipes: Pipe[]): ParameterDecorator {
  return typeof propertyOrPipe === 'string' || propertyOrPipe === undefined
    ? param(StreamingParamtype.Body, propertyOrPipe, pipes)
    : param(StreamingParamtype.Body, undefined, [propertyOrPipe, ...pipes]);
}

/** The connection's `ClientInfo`. */
export const ConnectedClient = (): ParameterDecorator => param(StreamingParamtype.Client);

/** The channel name, in subscribe, publish and unsubscribe handlers. */
export const ChannelName = (): ParameterDecorator => param(StreamingParamtype.Channel);

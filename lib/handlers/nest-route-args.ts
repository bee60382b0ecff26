import { Body, createParamDecorator, Req } from '@nestjs/common';

/**
 * Nest's route-args constants, read from what its public decorators write instead of imported
 * from `@nestjs/common/internal`, which Nest marks internal and a minor may move. (`@nestjs/common`
 * loads `reflect-metadata` before this module runs.)
 */
function probe(): { metadataKey: string; bodyParamtype: number; requestParamtype: number } {
  class Probe {
    custom(_: unknown): void {}
    body(_: unknown): void {}
    request(_: unknown): void {}
  }
  createParamDecorator(() => undefined)()(Probe.prototype, 'custom', 0);
  Body()(Probe.prototype, 'body', 0);
  Req()(Probe.prototype, 'request', 0);
  const [metadataKey, ...others] = Reflect.getOwnMetadataKeys(Probe, 'custom');
  const paramtypeOf = (method: string): number => {
    const args = typeof metadataKey === 'string' ? Reflect.getOwnMetadata(metadataKey, Probe, method) : undefined;
    return Number(Object.keys(args ?? {})[0]?.split(':')[0]);
  };
  const bodyParamtype = paramtypeOf('body');
  const requestParamtype = paramtypeOf('request');
  if (typeof metadataKey !== 'string' || others.length > 0 || !Number.isInteger(bodyParamtype) || !Number.isInteger(requestParamtype)) {
    throw new Error('@streaming/nest does not know how this version of @nestjs/common stores param decorators');
  }
  return { metadataKey, bodyParamtype, requestParamtype };
}

const routeArgs = probe();

/** The metadata key of a method's params: `createParamDecorator` writes it, `ExternalContextCreator` reads it. */
export const ROUTE_ARGS_METADATA = routeArgs.metadataKey;

/** `@Body()`'s param type, which pipes see as `'body'`. */
export const BODY_PARAMTYPE = routeArgs.bodyParamtype;

/** `@Req()`'s param type, which is also the one `@nestjs/websockets` gives `@ConnectedSocket()`. */
export const REQUEST_PARAMTYPE = routeArgs.requestParamtype;

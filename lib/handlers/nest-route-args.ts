import { Body, createParamDecorator } from '@nestjs/common';

/**
 * Nest's route-args constants, read from what its public decorators write instead of imported
 * from `@nestjs/common/internal`, which Nest marks internal and a minor may move. (`@nestjs/common`
 * loads `reflect-metadata` before this module runs.)
 */
function probe(): { metadataKey: string; bodyParamtype: number } {
  class Probe {
    custom(_: unknown): void {}
    body(_: unknown): void {}
  }
  createParamDecorator(() => undefined)()(Probe.prototype, 'custom', 0);
  Body()(Probe.prototype, 'body', 0);
  const [metadataKey, ...others] = Reflect.getOwnMetadataKeys(Probe, 'custom');
  const bodyArgs = typeof metadataKey === 'string' ? Reflect.getOwnMetadata(metadataKey, Probe, 'body') : undefined;
  const bodyParamtype = Number(Object.keys(bodyArgs ?? {})[0]?.split(':')[0]);
  if (typeof metadataKey !== 'string' || others.length > 0 || !Number.isInteger(bodyParamtype)) {
    throw new Error('@streaming/nest does not know how this version of @nestjs/common stores param decorators');
  }
  return { metadataKey, bodyParamtype };
}

const routeArgs = probe();

/** The metadata key of a method's params: `createParamDecorator` writes it, `ExternalContextCreator` reads it. */
export const ROUTE_ARGS_METADATA = routeArgs.metadataKey;

/** `@Body()`'s param type, which pipes see as `'body'`. */
export const BODY_PARAMTYPE = routeArgs.bodyParamtype;

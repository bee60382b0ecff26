import { ROUTE_ARGS_METADATA } from './nest-route-args.js';
import { StreamingParamtype } from './param.decorators.js';

// A string: ExternalContextCreator puts the key in a template string, which a symbol would break.
const DEFAULT_PARAMS_METADATA = '__streamingDefaultParams__';

const defaultParams = {
  [`${StreamingParamtype.Body}:0`]: { index: 0, data: undefined, pipes: [] },
  [`${StreamingParamtype.Client}:1`]: { index: 1, data: undefined, pipes: [] },
};

/**
 * The metadata key ExternalContextCreator reads a handler's params from. A method without param
 * decorators would otherwise get the raw `(client, data, extra)`; it gets `(data, client)` instead,
 * so `echo(data) { return data; }` does what it says, and method pipes still see the data's type.
 */
export function paramsMetadataKey(type: Function, methodName: string): string {
  if (Reflect.getMetadata(ROUTE_ARGS_METADATA, type, methodName)) return ROUTE_ARGS_METADATA;
  Reflect.defineMetadata(DEFAULT_PARAMS_METADATA, defaultParams, type, methodName);
  return DEFAULT_PARAMS_METADATA;
}

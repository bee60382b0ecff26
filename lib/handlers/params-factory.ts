import type { ParamData } from '@nestjs/common';
import type { ParamsFactory } from '@nestjs/core';
import type { HandlerArgs } from './handler-args.js';
import { StreamingParamtype } from './param.decorators.js';

/** Resolves the streaming param decorators from the handler arguments, for `ExternalContextCreator`. */
export class StreamingParamsFactory implements ParamsFactory {
  exchangeKeyForValue(type: number, data: ParamData, [client, payload, extra]: HandlerArgs): unknown {
    switch (type) {
      case StreamingParamtype.Client:
      case StreamingParamtype.Socket:
        return client;
      case StreamingParamtype.Body:
        return typeof data === 'string' ? property(payload, data) : payload;
      case StreamingParamtype.Channel:
        return extra.channel;
      default:
        return undefined;
    }
  }
}

function property(payload: unknown, name: string): unknown {
  return typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>)[name] : undefined;
}

import { Catch, type ExceptionFilter } from '@nestjs/common';
import type { DisconnectError, StreamingError } from '../protocol/protocol-error.js';
import { mapException } from './exception-mapper.js';

/**
 * On every `@StreamingHandlers()` class: turns whatever a handler, guard, pipe or interceptor threw
 * into its protocol error here, so that a fault is logged once, with its stack, by `mapException`
 * (Nest's fallback filter would log it first, then the engine again) and a `WsException` is not
 * logged as a server ERROR at all. Filters on a method come first.
 */
@Catch()
export class HandlerExceptionFilter implements ExceptionFilter {
  catch(exception: unknown): never {
    throw mapException(exception) satisfies StreamingError | DisconnectError;
  }
}

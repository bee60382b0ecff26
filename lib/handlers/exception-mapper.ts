import { HttpException, Logger } from '@nestjs/common';
import { ErrorCode } from '../protocol/codes.js';
import { toProtocolError } from '../engine/protocol-error-mapping.js';
import { DisconnectError, StreamingError } from '../protocol/protocol-error.js';
import { fromWsException, isWsException } from './ws-exception.js';

const logger = new Logger('Streaming');

/** Client-error statuses with a protocol counterpart; any other 4xx is a bad request. */
const codeByStatus = new Map<number, ErrorCode>([
  [400, ErrorCode.BadRequest],
  [401, ErrorCode.Unauthorized],
  [403, ErrorCode.PermissionDenied],
  [404, ErrorCode.UnknownChannel],
  [413, ErrorCode.LimitExceeded],
  [429, ErrorCode.TooManyRequests],
]);

/**
 * Turns whatever a handler (or a guard, pipe, interceptor, filter) threw into what the protocol can
 * say. Nest's HTTP exceptions map by status, keeping their message, `WsException` as
 * `fromWsException` says; anything else is a fault the client learns nothing about: it gets 100
 * internal, the log gets the cause.
 */
export function mapException(err: unknown): StreamingError | DisconnectError {
  if (err instanceof StreamingError || err instanceof DisconnectError) return err;
  if (isWsException(err)) return fromWsException(err);
  if (err instanceof HttpException) {
    const status = err.getStatus();
    if (status >= 400 && status < 500) {
      return new StreamingError(codeByStatus.get(status) ?? ErrorCode.BadRequest, clientMessage(err));
    }
  }
  return toProtocolError(err, logger);
}

/** The message the exception means for the client; ValidationPipe's list becomes one line. */
function clientMessage(err: HttpException): string | undefined {
  const response = err.getResponse();
  if (typeof response === 'string') return response || undefined;
  // An Error as response is a cause, which Nest too keeps from the client.
  if (response instanceof Error || typeof response !== 'object' || response === null) return undefined;
  const { message } = response as { message?: unknown };
  if (typeof message === 'string') return message || undefined;
  if (Array.isArray(message)) return message.join('; ') || undefined;
  return undefined;
}

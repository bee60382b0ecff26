import { Logger } from '@nestjs/common';
import { ErrorCode, errorMessages } from '../protocol/codes.js';
import { StreamingError } from '../protocol/protocol-error.js';

const logger = new Logger('Streaming');

/** Error codes a `WsException` may carry: the protocol's (100-399) and the application's (400-1999, as Centrifugo). */
const MIN_CODE = 100;
const MAX_CODE = 1999;

type WsExceptionLike = Error & { getError(): unknown };

/**
 * `WsException` of `@nestjs/websockets` (or a subclass), recognised by class name and `getError()`
 * instead of imported: the package is an optional peer, and loading it with a top-level
 * `await import()` would keep CommonJS apps from `require`-ing this package.
 */
export function isWsException(value: unknown): value is WsExceptionLike {
  if (!(value instanceof Error) || typeof (value as Partial<WsExceptionLike>).getError !== 'function') return false;
  for (let proto = Object.getPrototypeOf(value); proto && proto !== Error.prototype; proto = Object.getPrototypeOf(proto)) {
    if ((proto as { constructor?: { name?: string } }).constructor?.name === 'WsException') return true;
  }
  return false;
}

/**
 * The protocol error a `WsException` stands for. A string is a refusal: 103 with that message, as
 * Nest's own gateways answer a denying guard with `WsException('Forbidden resource')`. An object
 * may choose `code` (100-1999), `message` and `temporary`.
 */
export function fromWsException(err: WsExceptionLike): StreamingError {
  const error = err.getError();
  if (typeof error !== 'object' || error === null) return new StreamingError(ErrorCode.PermissionDenied, err.message);
  const { code, message, temporary } = error as { code?: unknown; message?: unknown; temporary?: unknown };
  let chosen: number = ErrorCode.PermissionDenied;
  if (typeof code === 'number' && Number.isInteger(code) && code >= MIN_CODE && code <= MAX_CODE) chosen = code;
  else if (code !== undefined) {
    // The app's mistake, not the client's: say so where its developers look.
    logger.warn(`WsException code ${JSON.stringify(code)} is not an error code (${MIN_CODE}-${MAX_CODE}): answering ${chosen}`);
  }
  const text = typeof message === 'string' && message !== '' ? message : (errorMessages[chosen as ErrorCode] ?? err.message);
  return new StreamingError(chosen, text, typeof temporary === 'boolean' ? temporary : undefined);
}

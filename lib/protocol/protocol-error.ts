import { IntrinsicException } from '@nestjs/common';
import { DisconnectCode, disconnectReasons, ErrorCode, errorMessages, temporaryErrorCodes } from './codes.js';

/**
 * An error the client receives as `{"id": N, "error": {code, message, temporary}}`. Intrinsic, so
 * Nest's exception handlers pass a handler's refusal on without logging it as a fault.
 */
export class StreamingError extends IntrinsicException {
  readonly temporary: boolean;

  constructor(
    readonly code: ErrorCode | number,
    message?: string,
    temporary?: boolean,
  ) {
    super(message ?? errorMessages[code as ErrorCode] ?? 'error');
    this.name = 'StreamingError';
    this.temporary = temporary ?? temporaryErrorCodes.has(code);
  }

  static of(code: ErrorCode, detail?: string): StreamingError {
    return new StreamingError(code, detail ? `${errorMessages[code]}: ${detail}` : errorMessages[code]);
  }

  /** Why, for the server log only (a guard's reason): the client gets `message`. */
  logDetail?: string;
  withLogDetail(detail: string): this {
    this.logDetail = detail;
    return this;
  }
}

/** A reason to close the connection with a protocol disconnect code. */
export class DisconnectError extends IntrinsicException {
  constructor(
    readonly code: DisconnectCode | number,
    readonly reason: string = disconnectReasons[code as DisconnectCode] ?? 'disconnect',
  ) {
    super(reason);
    this.name = 'DisconnectError';
  }

  static of(code: DisconnectCode, detail?: string): DisconnectError {
    return new DisconnectError(code, disconnectReasons[code]).withDetail(detail);
  }

  /** Detail goes to the server log only; the wire reason stays the protocol's own. */
  detail?: string;
  withDetail(detail?: string): this {
    this.detail = detail;
    return this;
  }
}

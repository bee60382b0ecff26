import type { LoggerService } from '@nestjs/common';
import { ErrorCode } from '../protocol/codes.js';
import { StreamingError } from '../protocol/protocol-error.js';

/** An unexpected failure: the client gets 100 internal (temporary), the log gets the cause. */
export function toProtocolError(err: unknown, logger: LoggerService): StreamingError {
  logger.error(`internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  return new StreamingError(ErrorCode.Internal);
}

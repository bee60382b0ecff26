import { ErrorCode } from '../protocol/codes.js';
import { StreamingError } from '../protocol/protocol-error.js';

/**
 * Refuses a client publication whose `data` is over `max` bytes (0: no limit) with 106, a limit
 * rather than a malformed command, so the connection stays. Measured as compact UTF-8 JSON, the
 * form that is stored and written to every subscriber, whatever whitespace the client sent.
 */
export function checkPublicationDataSize(data: unknown, max: number): void {
  if (max === 0) return;
  const size = Buffer.byteLength(JSON.stringify(data) ?? '');
  if (size > max) throw StreamingError.of(ErrorCode.LimitExceeded, `publication data of ${size} bytes, over ${max}`);
}

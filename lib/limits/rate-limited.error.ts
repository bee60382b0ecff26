import { ErrorCode } from '../protocol/codes.js';
import { StreamingError } from '../protocol/protocol-error.js';

/**
 * A command refused by a rate shared with other connections (the user's, the channel's): 111,
 * temporary, and one more refusal towards the connection's `maxRefusedCommands` (then 3013).
 */
export class RateLimitedError extends StreamingError {
  constructor(detail: string) {
    super(ErrorCode.TooManyRequests);
    this.withLogDetail(detail);
  }
}

import { BadRequestException } from '@nestjs/common';

/**
 * A `StreamingTokens` call with bad input (a user that is not a string, a missing channel, roles
 * for an anonymous token...). A `BadRequestException`, so a controller minting from request input
 * answers 400 with the message, not 500.
 */
export class StreamingTokenError extends BadRequestException {
  constructor(message: string) {
    super(message);
    this.name = 'StreamingTokenError';
  }
}

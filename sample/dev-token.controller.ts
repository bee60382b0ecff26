import { BadRequestException, Controller, Get, Query } from '@nestjs/common';
import { StreamingTokens } from '@streaming/nest';

function userName(user: string): string {
  // Names go into user-limited channels (`dm:#alice,bob`), so `,` `#` and spaces cannot be part of them.
  if (!/^[\w.-]{1,32}$/.test(user)) throw new BadRequestException('user must be 1 to 32 letters, digits, _ . or -');
  return user;
}

/**
 * The web page's stand-in for a login: signs tokens for whatever name it is asked for. Registered
 * only in development (see SampleConfig.devTokens); a real app issues tokens after authenticating.
 */
@Controller('dev')
export class DevTokenController {
  constructor(private readonly tokens: StreamingTokens) {}

  @Get('token')
  async token(@Query('user') user = ''): Promise<{ token: string }> {
    return { token: await this.tokens.connectionToken(userName(user)) };
  }

  /** Subscription tokens for the private `team:*` channels; a real app would check team membership here. */
  @Get('sub-token')
  async subToken(@Query('user') user = '', @Query('channel') channel = ''): Promise<{ token: string }> {
    if (!/^team:[\w-]{1,64}$/.test(channel)) throw new BadRequestException('channel must be team:<name>');
    return { token: await this.tokens.subscriptionToken(userName(user), channel) };
  }
}

import { BadRequestException, Controller, Get, Inject, Query } from '@nestjs/common';
import { SAMPLE_CONFIG, type SampleConfig } from './config.js';
import { signToken } from './tokens.js';

/**
 * The web page's stand-in for a login: signs a token for whatever name it is asked for. Registered
 * only in development (see SampleConfig.devTokens); a real app issues tokens after authenticating.
 */
@Controller('dev')
export class DevTokenController {
  constructor(@Inject(SAMPLE_CONFIG) private readonly config: SampleConfig) {}

  @Get('token')
  async token(@Query('user') user = ''): Promise<{ token: string }> {
    const name = user.trim();
    if (name.length < 1 || name.length > 64) throw new BadRequestException('user must have 1 to 64 characters');
    return { token: await signToken(this.config.secret, name) };
  }
}

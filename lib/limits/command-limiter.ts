import { TokenBucket } from './token-bucket.js';

/** How long refusals are counted before the count starts over. */
const REFUSAL_WINDOW_MS = 10_000;

export type CommandVerdict = 'admit' | 'refuse' | 'disconnect';

export interface CommandLimiterOptions {
  /** 0: no bucket of the connection's own; refusals of shared rates are still counted. */
  commandsPerSecond: number;
  commandBurst: number;
  maxRefusedCommands: number;
}

/**
 * Commands of one connection: a token bucket admits them; a refused one gets error 111, and a
 * client that keeps going after `maxRefusedCommands` refusals in the window, by this bucket or
 * by a rate shared with other connections, is disconnected (3013).
 */
export class CommandLimiter {
  private readonly bucket?: TokenBucket;
  private refused = 0;
  private windowStart = 0;

  constructor(
    private readonly options: CommandLimiterOptions,
    private readonly now: () => number = Date.now,
  ) {
    if (options.commandsPerSecond > 0) this.bucket = new TokenBucket(options.commandsPerSecond, options.commandBurst, now);
  }

  admit(): CommandVerdict {
    if (!this.bucket || this.bucket.take()) return 'admit';
    return this.refuse();
  }

  /** Counts one refusal, whichever limit made it. */
  refuse(): Exclude<CommandVerdict, 'admit'> {
    const now = this.now();
    if (now - this.windowStart > REFUSAL_WINDOW_MS) {
      this.windowStart = now;
      this.refused = 0;
    }
    this.refused++;
    return this.refused > this.options.maxRefusedCommands ? 'disconnect' : 'refuse';
  }

  /** The first refusal of a window: worth one log line, the rest are not. */
  get firstRefusal(): boolean {
    return this.refused === 1;
  }
}

import type { Logger } from '@nestjs/common';

/**
 * At most one warning per key and interval: the first at once, the rest counted into the next.
 * A receiver that is down while events keep coming would otherwise write a line per event.
 */
export class WarningThrottle {
  private readonly last = new Map<string, { at: number; suppressed: number }>();

  constructor(
    private readonly logger: Logger,
    private readonly intervalMs = 10_000,
    private readonly clock: () => number = Date.now,
  ) {}

  warn(key: string, message: string): void {
    const now = this.clock();
    const seen = this.last.get(key);
    if (seen && now - seen.at < this.intervalMs) {
      seen.suppressed++;
      return;
    }
    const more = seen?.suppressed ? ` (and ${seen.suppressed} more like it since the last report)` : '';
    this.last.set(key, { at: now, suppressed: 0 });
    this.logger.warn(`${message}${more}`);
  }
}

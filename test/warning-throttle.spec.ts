import { Logger } from '@nestjs/common';
import { WarningThrottle } from '../lib/webhooks/warning-throttle.js';

/** Collects what would be logged. */
class Lines extends Logger {
  readonly lines: string[] = [];
  override warn(message: string): void {
    this.lines.push(message);
  }
}

describe('WarningThrottle', () => {
  it('writes the first warning of a key at once and counts the rest into the next one after the interval', () => {
    let now = 0;
    const logger = new Lines();
    const throttle = new WarningThrottle(logger, 1000, () => now);
    throttle.warn('a', 'first');
    throttle.warn('a', 'second');
    throttle.warn('a', 'third');
    throttle.warn('b', 'other key');
    now = 999;
    throttle.warn('a', 'still quiet');
    now = 1000;
    throttle.warn('a', 'fourth');
    expect(logger.lines).toEqual(['first', 'other key', 'fourth (and 3 more like it since the last report)']);
  });
});

import type { LoggerService } from '@nestjs/common';
import { LogSummarizer } from '../../lib/logging/log-summarizer.js';

/** A logger that records lines, with their level, in order. */
function recorder(): LoggerService & { lines: string[] } {
  const lines: string[] = [];
  const at = (level: string) => (message: string) => lines.push(`${level}: ${message}`);
  return { lines, log: at('log'), warn: at('warn'), error: at('error'), debug: at('debug'), verbose: at('verbose') };
}

describe('LogSummarizer on a moved clock', () => {
  let clock = 0;
  let summarizer: LogSummarizer | undefined;
  const make = (logger: LoggerService) => (summarizer = new LogSummarizer(logger, 1000, () => clock));

  beforeEach(() => {
    clock = 10_000;
  });
  afterEach(() => summarizer?.close());

  it('writes the first line of a cause at once and one summary with the count per interval', () => {
    const logger = recorder();
    const log = make(logger);
    for (let i = 0; i < 500; i++) log.report('verbose', 'bad-frame', `bad frame ${i}`);
    expect(logger.lines).toEqual(['verbose: bad frame 0']);

    clock += 999;
    log.flush();
    expect(logger.lines).toHaveLength(1);
    clock += 1;
    log.flush();
    expect(logger.lines).toEqual(['verbose: bad frame 0', 'verbose: bad frame 499 (499 more like this in the last 1 s)']);
  });

  it('never writes more than one line per cause per interval under a steady flood', () => {
    const logger = recorder();
    const log = make(logger);
    // 10 s of 100 reports a second, flushed as the timer would.
    for (let tick = 0; tick < 1000; tick++) {
      log.report('verbose', 'bad-frame', 'bad frame');
      clock += 10;
      if (tick % 25 === 0) log.flush();
    }
    expect(logger.lines.length).toBeGreaterThanOrEqual(9);
    expect(logger.lines.length).toBeLessThanOrEqual(11);
    clock += 1000;
    log.flush();
    const counted = logger.lines.slice(1).map((line) => Number(/\((\d+) more/.exec(line)![1]));
    // Every report is either written or counted in a summary, none lost.
    expect(1 + counted.reduce((a, b) => a + b, 0)).toBe(1000);
  });

  it('keeps causes apart and writes a quiet cause at once again after its interval', () => {
    const logger = recorder();
    const log = make(logger);
    log.report('warn', 'limit', 'node full');
    log.report('debug', 'refused', 'refused 1');
    log.report('debug', 'refused', 'refused 2');
    expect(logger.lines).toEqual(['warn: node full', 'debug: refused 1']);
    clock += 1000;
    log.flush();
    expect(logger.lines[2]).toBe('debug: refused 2 (1 more like this in the last 1 s)');
    clock += 1000;
    log.flush();
    log.report('warn', 'limit', 'node full again');
    expect(logger.lines).toHaveLength(4);
    expect(logger.lines[3]).toBe('warn: node full again');
  });

  it('prefixes the first line with its client, and counts the clients of a summary instead of naming one', () => {
    const logger = recorder();
    const log = make(logger);
    log.report('debug', 'error 103 subscribe', 'subscribe error 103 permission denied in "admin:a"', 'client 1 user "alice"');
    log.report('debug', 'error 103 subscribe', 'subscribe error 103 permission denied in "admin:b"', 'client 1 user "alice"');
    log.report('debug', 'error 103 subscribe', 'subscribe error 103 permission denied in "admin:c"', 'client 1 user "alice"');
    log.report('debug', 'error 103 subscribe', 'subscribe error 103 permission denied in "admin:a"', 'client 2 user ""');
    clock += 1000;
    log.flush();
    expect(logger.lines).toEqual([
      'debug: client 1 user "alice": subscribe error 103 permission denied in "admin:a"',
      'debug: subscribe error 103 permission denied in "admin:a" (3 more like this from 2 clients in the last 1 s)',
    ]);
  });
});

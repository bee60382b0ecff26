import type { LoggerService } from '@nestjs/common';

export type LogLevel = 'verbose' | 'debug' | 'log' | 'warn' | 'error';

interface Window {
  start: number;
  /** Lines of this cause held back since `start`. */
  held: number;
  level: LogLevel;
  latest: string;
  /** The distinct `from` of the held lines (up to MAX_COUNTED): a summary counts them, never names one for all. */
  from: Set<string>;
}

const MAX_COUNTED = 10_000;

/**
 * At most one log line per cause per interval: the first line of a quiet cause is written at
 * once, the ones after it are counted and written as one summary when the interval ends. A flood
 * of hostile clients so costs one line a second per cause, not one per attempt.
 * Causes must come from a fixed set (a code, a method), never from client input. `from` (which
 * client) prefixes the line written at once; a summary says how many clients its lines came from.
 */
export class LogSummarizer {
  private readonly windows = new Map<string, Window>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly logger: LoggerService,
    private readonly intervalMs = 1000,
    private readonly now: () => number = Date.now,
  ) {}

  report(level: LogLevel, cause: string, message: string, from?: string): void {
    const now = this.now();
    const window = this.roll(cause, now);
    if (window) {
      window.held++;
      window.level = level;
      window.latest = message;
      if (from !== undefined && window.from.size < MAX_COUNTED) window.from.add(from);
      return;
    }
    this.write(level, from === undefined ? message : `${from}: ${message}`);
    this.windows.set(cause, { start: now, held: 0, level, latest: message, from: new Set() });
    this.timer ??= setInterval(() => this.flush(), this.intervalMs).unref();
  }

  /** Writes the summaries of intervals that have ended. */
  flush(): void {
    const now = this.now();
    for (const cause of [...this.windows.keys()]) this.roll(cause, now);
    if (this.windows.size === 0) this.close();
  }

  close(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The cause's open window, after summarising and closing an ended one. */
  private roll(cause: string, now: number): Window | undefined {
    const window = this.windows.get(cause);
    if (!window || now - window.start < this.intervalMs) return window;
    if (window.held === 0) {
      this.windows.delete(cause);
      return undefined;
    }
    const seconds = Math.max(1, Math.round((now - window.start) / 1000));
    const clients = window.from.size;
    const fromWhom = clients === 0 ? '' : ` from ${clients >= MAX_COUNTED ? `${MAX_COUNTED}+` : clients} client${clients === 1 ? '' : 's'}`;
    this.write(window.level, `${window.latest} (${window.held} more like this${fromWhom} in the last ${seconds} s)`);
    // The summary is this interval's line: what comes next is counted until the following one.
    const next = { start: now, held: 0, level: window.level, latest: window.latest, from: new Set<string>() };
    this.windows.set(cause, next);
    return next;
  }

  private write(level: LogLevel, message: string): void {
    if (level === 'log') this.logger.log(message);
    else if (level === 'warn') this.logger.warn(message);
    else if (level === 'error') this.logger.error(message);
    else this.logger[level]?.(message);
  }
}

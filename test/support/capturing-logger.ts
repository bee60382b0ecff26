import type { LoggerService } from '@nestjs/common';

/** Keeps log lines instead of printing them, so tests can read them. */
export class CapturingLogger implements LoggerService {
  readonly lines: { level: string; text: string }[] = [];
  log = (...args: unknown[]) => this.push('log', args);
  error = (...args: unknown[]) => this.push('error', args);
  warn = (...args: unknown[]) => this.push('warn', args);
  debug = (...args: unknown[]) => this.push('debug', args);
  verbose = (...args: unknown[]) => this.push('verbose', args);
  private push(level: string, args: unknown[]) {
    this.lines.push({ level, text: args.map((a) => (a instanceof Error ? a.stack : String(a))).join(' | ') });
  }
  /** Error lines of one logger context. */
  errors(context: string): string[] {
    return this.lines.filter((l) => l.level === 'error' && l.text.endsWith(`| ${context}`)).map((l) => l.text);
  }
  /** Lines of any level that mention `text`. */
  about(text: string) {
    return this.lines.filter((l) => l.text.includes(text));
  }
}

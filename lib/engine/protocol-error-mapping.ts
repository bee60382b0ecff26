import type { LoggerService } from '@nestjs/common';
import { LogSummarizer } from '../logging/log-summarizer.js';
import { ErrorCode } from '../protocol/codes.js';
import type { Command } from '../protocol/frames.js';
import { StreamingError } from '../protocol/protocol-error.js';

/**
 * An unexpected failure: the client gets 100 internal (temporary), the log gets the cause, one line
 * per kind of error and second: a backend that is down fails every command at once, and one line a
 * second with a count says so better than thousands of stacks.
 */
export function toProtocolError(err: unknown, log: LogSummarizer | LoggerService): StreamingError {
  const line = `internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`;
  if (log instanceof LogSummarizer) log.report('error', `internal ${err instanceof Error ? err.constructor.name : typeof err}`, line);
  else log.error(line);
  return new StreamingError(ErrorCode.Internal);
}

/** The log line of a command's error reply: the channel it was about, and the reason a guard gave. */
export function refusalLine(command: Command, error: StreamingError): string {
  const { channel } = command.request as { channel?: unknown };
  // Client input: quoted, and cut to a sane length in case it is the reason for the refusal.
  const where = typeof channel === 'string' ? ` in ${JSON.stringify(channel.slice(0, 255))}` : '';
  const why = error.logDetail ? ` (${error.logDetail})` : '';
  return `${command.method} error ${error.code} ${error.message}${where}${why}`;
}

import { checkKnownKeys, checkNumber, isRecord } from './option-checks.js';
import { StreamingOptionsError } from './streaming-options-error.js';
import type { PresenceStatusOptions, TypingOptions } from './streaming-options.interface.js';

export type ResolvedTypingOptions = Required<TypingOptions>;
export type ResolvedPresenceStatusOptions = Required<PresenceStatusOptions>;

function section(field: string, value: unknown, keys: string[]): Record<string, unknown> {
  if (value === undefined) return {};
  if (!isRecord(value)) throw new StreamingOptionsError(field, 'must be an object');
  checkKnownKeys(field, value, keys, `a ${field} option`);
  return value;
}

export function resolveTypingOptions(value: TypingOptions | undefined): ResolvedTypingOptions {
  const { throttle = 2, timeout = 5 } = section('typing', value, ['throttle', 'timeout']) as TypingOptions;
  checkNumber('typing.throttle', throttle, 0);
  checkNumber('typing.timeout', timeout, 0.1);
  return { throttle, timeout };
}

export function resolvePresenceStatusOptions(value: PresenceStatusOptions | undefined): ResolvedPresenceStatusOptions {
  const { offlineGrace = 5 } = section('presenceStatus', value, ['offlineGrace']) as PresenceStatusOptions;
  checkNumber('presenceStatus.offlineGrace', offlineGrace, 0);
  return { offlineGrace };
}

import { StreamingOptionsError } from './streaming-options-error.js';

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function checkNumber(field: string, value: unknown, min: number): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new StreamingOptionsError(field, `must be a number >= ${min}, got ${JSON.stringify(value)}`);
  }
}

export function checkString(field: string, value: unknown): void {
  if (value !== undefined && (typeof value !== 'string' || value.length === 0)) {
    throw new StreamingOptionsError(field, 'must be a non-empty string');
  }
}

/** A misspelt key would otherwise be ignored and leave its feature at the default (e.g. `audiance`: no audience check). */
export function checkKnownKeys(field: string, value: Record<string, unknown>, known: readonly string[], what: string): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) throw new StreamingOptionsError(field ? `${field}.${key}` : key, `is not ${what}`);
  }
}

/** Every key of `T`: a record, so that an option added to the interface and not here fails to compile. */
export const keysOf = <T>(keys: Record<keyof T, true>): string[] => Object.keys(keys);

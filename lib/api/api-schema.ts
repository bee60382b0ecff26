import { fieldError, type FieldType } from '../protocol/command-schema.js';

/** The server API methods served, in Centrifugo's names. */
export const apiMethods = [
  'publish',
  'broadcast',
  'subscribe',
  'unsubscribe',
  'disconnect',
  'refresh',
  'presence',
  'presence_stats',
  'history',
  'history_remove',
  'channels',
  'info',
  'batch',
] as const;
export type ApiMethod = (typeof apiMethods)[number];

/** Centrifugo's numeric method codes, which its legacy `POST /api` form also accepts. */
export const legacyMethodCodes: Readonly<Record<number, ApiMethod>> = {
  0: 'publish',
  1: 'broadcast',
  2: 'unsubscribe',
  3: 'disconnect',
  4: 'presence',
  5: 'presence_stats',
  6: 'history',
  7: 'history_remove',
  8: 'channels',
  9: 'info',
  11: 'subscribe',
  12: 'refresh',
};

const publishFields = { data: 'any', skip_history: 'boolean', tags: 'stringMap', idempotency_key: 'string', b64data: 'string' } as const;
const target = { user: 'string', client: 'string', session: 'string' } as const;

/** Field types per method: a value of another type makes the request malformed (HTTP 400); unknown fields are ignored, as Centrifugo does. */
const schemas: Readonly<Record<ApiMethod, Readonly<Record<string, FieldType | 'disconnectObject' | 'commandArray'>>>> = {
  publish: { channel: 'string', ...publishFields },
  broadcast: { channels: 'stringArray', ...publishFields },
  subscribe: { ...target, channel: 'string', info: 'any', data: 'any', recover_since: 'position', expire_at: 'number' },
  unsubscribe: { ...target, channel: 'string' },
  disconnect: { ...target, whitelist: 'stringArray', disconnect: 'disconnectObject' },
  refresh: { ...target, expired: 'boolean', expire_at: 'number', info: 'any' },
  presence: { channel: 'string' },
  presence_stats: { channel: 'string' },
  history: { channel: 'string', limit: 'number', since: 'position', reverse: 'boolean' },
  history_remove: { channel: 'string' },
  channels: { pattern: 'string' },
  info: {},
  batch: { commands: 'commandArray', parallel: 'boolean' },
};

export function isApiMethod(method: string): method is ApiMethod {
  return (apiMethods as readonly string[]).includes(method);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Params of a method with the known fields checked (null counts as absent); a string says why they are malformed. */
export function checkParams(method: ApiMethod, params: unknown): Record<string, unknown> | string {
  if (params === undefined || params === null) params = {};
  if (!isObject(params)) return `${method} params must be an object`;
  const out: Record<string, unknown> = {};
  for (const [field, type] of Object.entries(schemas[method])) {
    const value = params[field];
    if (value === undefined || value === null) continue;
    const problem = extraFieldError(type, value) ?? (isExtra(type) ? undefined : fieldError(type, value));
    if (problem) return `${method}.${field} ${problem}`;
    out[field] = value;
  }
  return out;
}

function isExtra(type: string): type is 'disconnectObject' | 'commandArray' {
  return type === 'disconnectObject' || type === 'commandArray';
}

function extraFieldError(type: string, value: unknown): string | undefined {
  if (type === 'disconnectObject') {
    const ok = isObject(value) && Number.isInteger(value.code ?? 0) && typeof (value.reason ?? '') === 'string';
    return ok ? undefined : 'must be {code, reason}';
  }
  if (type === 'commandArray') {
    return Array.isArray(value) && value.every(isObject) ? undefined : 'must be an array of objects';
  }
  return undefined;
}

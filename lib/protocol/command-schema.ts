import type { Method } from './frames.js';

export type FieldType = 'string' | 'number' | 'boolean' | 'any' | 'position' | 'subs' | 'stringMap' | 'stringArray';

interface MethodSchema {
  required: readonly string[];
  fields: Readonly<Record<string, FieldType>>;
}

/** Field types per command; fields not listed here are dropped (never echoed). */
export const commandSchemas: Readonly<Record<Method, MethodSchema>> = {
  connect: {
    required: [],
    fields: { token: 'string', data: 'any', subs: 'subs', name: 'string', version: 'string', headers: 'stringMap' },
  },
  subscribe: {
    required: ['channel'],
    fields: {
      channel: 'string',
      token: 'string',
      recover: 'boolean',
      epoch: 'string',
      offset: 'number',
      data: 'any',
      positioned: 'boolean',
      recoverable: 'boolean',
      join_leave: 'boolean',
      delta: 'string',
    },
  },
  unsubscribe: { required: ['channel'], fields: { channel: 'string' } },
  publish: { required: ['channel', 'data'], fields: { channel: 'string', data: 'any' } },
  presence: { required: ['channel'], fields: { channel: 'string' } },
  presence_stats: { required: ['channel'], fields: { channel: 'string' } },
  history: {
    required: ['channel'],
    fields: { channel: 'string', limit: 'number', since: 'position', reverse: 'boolean' },
  },
  rpc: { required: [], fields: { method: 'string', data: 'any' } },
  refresh: { required: ['token'], fields: { token: 'string' } },
  sub_refresh: { required: ['channel', 'token'], fields: { channel: 'string', token: 'string' } },
  send: { required: ['data'], fields: { data: 'any' } },
};

export const methods = Object.keys(commandSchemas) as Method[];

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isOffset(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** Returns the reason a value does not fit its field type, or undefined when it fits. */
export function fieldError(type: FieldType, value: unknown): string | undefined {
  switch (type) {
    case 'any':
      return undefined;
    case 'string':
    case 'boolean':
      return typeof value === type ? undefined : `must be a ${type}`;
    case 'number':
      return Number.isSafeInteger(value) ? undefined : 'must be an integer';
    case 'stringMap':
      return isObject(value) && Object.values(value).every((v) => typeof v === 'string')
        ? undefined
        : 'must be an object of strings';
    case 'stringArray':
      return Array.isArray(value) && value.every((v) => typeof v === 'string') ? undefined : 'must be an array of strings';
    case 'position':
      return isObject(value) && isOffset(value.offset ?? 0) && typeof (value.epoch ?? '') === 'string'
        ? undefined
        : 'must be {offset, epoch}';
    case 'subs':
      if (!isObject(value)) return 'must be an object';
      for (const [channel, sub] of Object.entries(value)) {
        if (!isObject(sub)) return `${channel} must be an object`;
        const err = validateRequest('subscribe', { ...sub, channel });
        if (typeof err === 'string') return `${channel}: ${err}`;
      }
      return undefined;
  }
}

/** Validates a request body; returns the cleaned request or a reason string. */
export function validateRequest(method: Method, body: unknown): Record<string, unknown> | string {
  if (!isObject(body)) return `${method} must be an object`;
  const schema = commandSchemas[method];
  const out: Record<string, unknown> = {};
  for (const [field, type] of Object.entries(schema.fields)) {
    const value = body[field];
    // JSON null is data like any other (Centrifugo publishes it); elsewhere it means "not given".
    if (value === undefined || (value === null && !(type === 'any' && schema.required.includes(field)))) continue;
    const err = fieldError(type, value);
    if (err) return `${method}.${field} ${err}`;
    out[field] = value;
  }
  for (const field of schema.required) {
    if (out[field] === undefined || out[field] === '') return `${method}.${field} is required`;
  }
  return out;
}

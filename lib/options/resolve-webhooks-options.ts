import { streamingEventNames, type StreamingEventName } from '../events/streaming-events.js';
import { checkString, isRecord } from './option-checks.js';
import { StreamingOptionsError } from './streaming-options-error.js';
import type { WebhookEndpointOptions, WebhooksOptions } from './streaming-options.interface.js';

export interface ResolvedWebhookEndpoint {
  url: string;
  events: ReadonlySet<StreamingEventName>;
  secret: string;
}

export type ResolvedWebhooksOptions = Required<Omit<WebhooksOptions, 'endpoints'>> & { endpoints: ResolvedWebhookEndpoint[] };

const defaults: Omit<ResolvedWebhooksOptions, 'endpoints'> = {
  maxQueueSize: 10_000,
  maxAttempts: 5,
  initialBackoff: 500,
  maxBackoff: 30_000,
  timeout: 5000,
  concurrency: 4,
  maxDeadLetters: 1000,
};

function resolveEndpoint(value: WebhookEndpointOptions, field: string): ResolvedWebhookEndpoint {
  if (!isRecord(value as unknown)) throw new StreamingOptionsError(field, 'must be an object');
  for (const key of Object.keys(value)) {
    if (!['url', 'events', 'secret'].includes(key)) throw new StreamingOptionsError(`${field}.${key}`, 'is not a webhook endpoint option');
  }
  let url: URL | undefined;
  try {
    url = new URL(String(value.url));
  } catch {
    url = undefined;
  }
  if (typeof value.url !== 'string' || !url || !['http:', 'https:'].includes(url.protocol)) {
    throw new StreamingOptionsError(`${field}.url`, `must be an http(s) URL, got ${JSON.stringify(value.url)}`);
  }
  if (value.secret === undefined) throw new StreamingOptionsError(`${field}.secret`, 'is required: receivers check the signature with it');
  checkString(`${field}.secret`, value.secret);
  const events = value.events ?? streamingEventNames;
  if (!Array.isArray(events) || events.length === 0) throw new StreamingOptionsError(`${field}.events`, 'must be a non-empty array');
  for (const name of events) {
    if (!streamingEventNames.includes(name)) {
      throw new StreamingOptionsError(`${field}.events`, `has ${JSON.stringify(name)}, which is not one of ${streamingEventNames.join(', ')}`);
    }
  }
  return { url: value.url, events: new Set(events), secret: value.secret };
}

export function resolveWebhooksOptions(value: WebhooksOptions | undefined): ResolvedWebhooksOptions | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value as unknown)) throw new StreamingOptionsError('webhooks', 'must be an object');
  for (const key of Object.keys(value)) {
    if (key !== 'endpoints' && !Object.hasOwn(defaults, key)) throw new StreamingOptionsError(`webhooks.${key}`, 'is not a webhooks option');
  }
  if (!Array.isArray(value.endpoints) || value.endpoints.length === 0) {
    throw new StreamingOptionsError('webhooks.endpoints', 'must be a non-empty array');
  }
  const endpoints = value.endpoints.map((endpoint, i) => resolveEndpoint(endpoint, `webhooks.endpoints[${i}]`));
  const resolved = { ...defaults, ...value, endpoints };
  for (const key of Object.keys(defaults) as Array<keyof typeof defaults>) {
    const n = resolved[key];
    if (!Number.isInteger(n) || n < 1) throw new StreamingOptionsError(`webhooks.${key}`, `must be a whole number >= 1, got ${JSON.stringify(n)}`);
  }
  if (resolved.maxBackoff < resolved.initialBackoff) {
    throw new StreamingOptionsError('webhooks.maxBackoff', `must not be less than initialBackoff (${resolved.initialBackoff})`);
  }
  return resolved;
}

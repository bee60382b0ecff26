import { Registry, register } from 'prom-client';
import { checkKnownKeys, checkString, isRecord } from './option-checks.js';
import { StreamingOptionsError } from './streaming-options-error.js';
import type { MetricsOptions } from './streaming-options.interface.js';

export interface ResolvedMetricsOptions {
  registry: Registry;
  prefix: string;
  /** Where the node serves the registry; undefined when the app serves it itself. */
  path?: string;
}

const METRICS_KEYS: Array<keyof MetricsOptions> = ['enabled', 'registry', 'prefix', 'path'];

/** Undefined when metrics are off (the default). */
export function resolveMetricsOptions(value: MetricsOptions | undefined): ResolvedMetricsOptions | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value as unknown)) throw new StreamingOptionsError('metrics', 'must be an object');
  checkKnownKeys('metrics', value as Record<string, unknown>, METRICS_KEYS, 'metrics option');
  if (value.enabled !== undefined && typeof value.enabled !== 'boolean') {
    throw new StreamingOptionsError('metrics.enabled', `must be a boolean, got ${JSON.stringify(value.enabled)}`);
  }
  if (!value.enabled) return undefined;
  if (value.registry !== undefined && !(value.registry instanceof Registry)) {
    throw new StreamingOptionsError('metrics.registry', "must be a prom-client Registry (the app's, or omit it for the default one)");
  }
  checkString('metrics.prefix', value.prefix);
  const prefix = value.prefix ?? '';
  if (prefix !== '' && !/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(prefix)) {
    throw new StreamingOptionsError('metrics.prefix', `must be a valid Prometheus name prefix, got ${JSON.stringify(prefix)}`);
  }
  const path = value.path === undefined ? '/metrics' : value.path;
  if (path !== false && (typeof path !== 'string' || !path.startsWith('/'))) {
    throw new StreamingOptionsError('metrics.path', `must be a path starting with / or false, got ${JSON.stringify(path)}`);
  }
  return { registry: value.registry ?? register, prefix, path: path === false ? undefined : path };
}

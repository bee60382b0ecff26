import { checkNumber, checkString, isRecord } from './option-checks.js';
import { StreamingOptionsError } from './streaming-options-error.js';
import type { HttpApiOptions } from './streaming-options.interface.js';

export type ResolvedApiOptions = Required<HttpApiOptions>;

const API_OPTION_KEYS = new Set(['key', 'path', 'maxBodySize']);

/** The API is off (undefined) without a key: an API open to anyone would publish for anyone. */
export function resolveApiOptions(value: HttpApiOptions | undefined, websocketPath: string): ResolvedApiOptions | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value as unknown)) throw new StreamingOptionsError('api', 'must be an object');
  for (const key of Object.keys(value)) {
    if (!API_OPTION_KEYS.has(key)) throw new StreamingOptionsError(`api.${key}`, 'is not an api option');
  }
  checkString('api.key', value.key);
  if (value.key === undefined) {
    if (value.path !== undefined || value.maxBodySize !== undefined) {
      throw new StreamingOptionsError('api.key', 'is required to serve the API (set it, or leave `api` out)');
    }
    return undefined;
  }
  const path = value.path ?? '/api';
  checkString('api.path', path);
  if (!path.startsWith('/') || path.endsWith('/') || /[?#\s]/.test(path)) {
    throw new StreamingOptionsError('api.path', `must start with '/', not end with '/' and hold no '?', '#' or spaces, got ${JSON.stringify(path)}`);
  }
  if (websocketPath === path || websocketPath.startsWith(`${path}/`)) {
    throw new StreamingOptionsError('api.path', `must not contain websocket.path (${websocketPath})`);
  }
  const maxBodySize = value.maxBodySize ?? 1024 * 1024;
  checkNumber('api.maxBodySize', maxBodySize, 64);
  return { key: value.key, path, maxBodySize };
}

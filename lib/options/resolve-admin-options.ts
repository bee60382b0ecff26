import { checkKnownKeys, checkNumber, checkString, isRecord } from './option-checks.js';
import { StreamingOptionsError } from './streaming-options-error.js';
import type { AdminAuthorize, AdminOptions } from './streaming-options.interface.js';

export interface ResolvedAdminOptions {
  path: string;
  password?: string;
  authorize?: AdminAuthorize;
  sessionTtl: number;
}

const MIN_PASSWORD = 12;

/** Off (undefined) unless `enabled`; on, it needs one way to tell operators from visitors. */
export function resolveAdminOptions(value: AdminOptions | undefined, taken: Record<string, string | undefined>): ResolvedAdminOptions | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value as unknown)) throw new StreamingOptionsError('admin', 'must be an object');
  checkKnownKeys('admin', value as Record<string, unknown>, ['enabled', 'password', 'authorize', 'path', 'sessionTtl'], 'an admin option');
  if (value.enabled !== undefined && typeof value.enabled !== 'boolean') throw new StreamingOptionsError('admin.enabled', 'must be a boolean');
  if (!value.enabled) return undefined;
  checkString('admin.password', value.password);
  if (value.password !== undefined && value.password.length < MIN_PASSWORD) {
    throw new StreamingOptionsError('admin.password', `must be ${MIN_PASSWORD} characters at least: the dashboard can publish and disconnect anyone`);
  }
  if (value.authorize !== undefined && typeof value.authorize !== 'function') throw new StreamingOptionsError('admin.authorize', 'must be a function');
  if ((value.password === undefined) === (value.authorize === undefined)) {
    throw new StreamingOptionsError('admin.password', 'or admin.authorize is needed, and only one of them');
  }
  const path = value.path ?? '/admin';
  checkString('admin.path', path);
  if (!path.startsWith('/') || path.endsWith('/') || /[?#\s]/.test(path)) {
    throw new StreamingOptionsError('admin.path', `must start with '/', not end with '/' and hold no '?', '#' or spaces, got ${JSON.stringify(path)}`);
  }
  for (const [field, other] of Object.entries(taken)) {
    if (other !== undefined && (other === path || other.startsWith(`${path}/`) || path.startsWith(`${other}/`))) {
      throw new StreamingOptionsError('admin.path', `must not overlap ${field} (${other})`);
    }
  }
  const sessionTtl = value.sessionTtl ?? 8 * 3600;
  checkNumber('admin.sessionTtl', sessionTtl, 60);
  return { path, password: value.password, authorize: value.authorize, sessionTtl };
}

import { StreamingOptionsError } from '../options/streaming-options-error.js';
import type { ChannelRule, PermissionsOptions } from './channel-rule.interface.js';
import { Permission } from './permission.enum.js';

const RULE_KEYS = new Set(['pattern', 'permissions', 'allowAnonymous', 'requireAuth', 'roles', 'users', 'deny', 'maxSubscribers']);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkPermission(field: string, value: unknown): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || (value as number) < 0 || ((value as number) & ~Permission.All) !== 0) {
    throw new StreamingOptionsError(field, `must be Permission flags (Permission.Subscribe | ...), got ${JSON.stringify(value)}`);
  }
}

function checkPermissionMap(field: string, value: unknown): void {
  if (value === undefined) return;
  if (!isRecord(value)) throw new StreamingOptionsError(field, 'must be an object of Permission flags by name');
  for (const [name, permission] of Object.entries(value)) checkPermission(`${field}.${name}`, permission);
}

function checkRule(field: string, rule: unknown): void {
  if (!isRecord(rule)) throw new StreamingOptionsError(field, 'must be an object');
  for (const key of Object.keys(rule)) {
    if (!RULE_KEYS.has(key)) throw new StreamingOptionsError(`${field}.${key}`, 'is not a rule option');
  }
  const { pattern, permissions, allowAnonymous, requireAuth, roles, users, deny, maxSubscribers } = rule as Partial<Record<keyof ChannelRule, unknown>>;
  if (typeof pattern !== 'string' || pattern.length === 0) {
    throw new StreamingOptionsError(`${field}.pattern`, 'must be a non-empty string');
  }
  checkPermission(`${field}.permissions`, permissions);
  checkPermission(`${field}.deny`, deny);
  if (typeof allowAnonymous !== 'boolean') checkPermission(`${field}.allowAnonymous`, allowAnonymous);
  if (requireAuth !== undefined && typeof requireAuth !== 'boolean') {
    throw new StreamingOptionsError(`${field}.requireAuth`, 'must be a boolean');
  }
  if (requireAuth && allowAnonymous) {
    throw new StreamingOptionsError(`${field}.requireAuth`, 'contradicts allowAnonymous in the same rule');
  }
  checkPermissionMap(`${field}.roles`, roles);
  checkPermissionMap(`${field}.users`, users);
  if (maxSubscribers !== undefined && (!Number.isInteger(maxSubscribers) || (maxSubscribers as number) < 0)) {
    throw new StreamingOptionsError(`${field}.maxSubscribers`, `must be a whole number >= 0, got ${JSON.stringify(maxSubscribers)}`);
  }
}

/** Validates `permissions`; a mistake here would silently open or close channels, so it stops start-up. */
export function checkPermissionsOptions(value: unknown): Required<PermissionsOptions> {
  if (value === undefined) return { rules: [] };
  if (!isRecord(value)) throw new StreamingOptionsError('permissions', 'must be an object');
  for (const key of Object.keys(value)) {
    if (key !== 'rules') throw new StreamingOptionsError(`permissions.${key}`, 'is not a permissions option');
  }
  const { rules = [] } = value as PermissionsOptions;
  if (!Array.isArray(rules)) throw new StreamingOptionsError('permissions.rules', 'must be an array');
  rules.forEach((rule, i) => checkRule(`permissions.rules[${i}]`, rule));
  return { rules };
}

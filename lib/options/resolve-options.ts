import { hostname } from 'node:os';
import type { NamespaceOptions } from './namespace-options.js';
import { defaultNamespaceOptions } from './namespace-options.js';
import type { StreamingModuleOptions } from './streaming-options.interface.js';

export interface ResolvedStreamingOptions {
  backend: NonNullable<StreamingModuleOptions['backend']>;
  auth: NonNullable<StreamingModuleOptions['auth']>;
  channel: NamespaceOptions;
  namespaces: Record<string, NamespaceOptions>;
  websocket: Required<NonNullable<StreamingModuleOptions['websocket']>>;
  maxChannelLength: number;
  nodeName: string;
}

/** Thrown at start-up for options that cannot work; the message names the field. */
export class StreamingOptionsError extends Error {
  constructor(field: string, problem: string) {
    super(`StreamingModule options: ${field} ${problem}`);
    this.name = 'StreamingOptionsError';
  }
}

const NAMESPACE_NAME = /^[A-Za-z0-9_.-]+$/;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkNumber(field: string, value: unknown, min: number): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new StreamingOptionsError(field, `must be a number >= ${min}, got ${JSON.stringify(value)}`);
  }
}

function checkNamespace(field: string, ns: unknown): void {
  if (!isRecord(ns)) throw new StreamingOptionsError(field, 'must be an object');
  for (const [key, value] of Object.entries(ns)) {
    const expected = defaultNamespaceOptions[key as keyof NamespaceOptions];
    if (expected === undefined) throw new StreamingOptionsError(`${field}.${key}`, 'is not a namespace option');
    if (typeof value !== typeof expected) {
      throw new StreamingOptionsError(`${field}.${key}`, `must be a ${typeof expected}, got ${JSON.stringify(value)}`);
    }
    if (typeof value === 'number') checkNumber(`${field}.${key}`, value, 0);
  }
  const { historySize, historyTtl, forceRecovery } = ns as NamespaceOptions;
  if (forceRecovery && !((historySize ?? 0) > 0 && (historyTtl ?? 0) > 0)) {
    throw new StreamingOptionsError(`${field}.forceRecovery`, 'needs historySize and historyTtl above 0');
  }
}

/** Validates module options and fills in defaults. */
export function resolveOptions(options: StreamingModuleOptions = {}): ResolvedStreamingOptions {
  if (!isRecord(options as unknown)) throw new StreamingOptionsError('options', 'must be an object');
  const backend = options.backend ?? { type: 'memory' };
  const backendType: unknown = (backend as { type?: unknown } | undefined)?.type;
  if (backendType !== 'memory') {
    throw new StreamingOptionsError('backend.type', `must be 'memory', got ${JSON.stringify(backendType)}`);
  }
  const auth = options.auth ?? {};
  if (!isRecord(auth as unknown)) throw new StreamingOptionsError('auth', 'must be an object');
  if (auth.jwt !== undefined) {
    if (!isRecord(auth.jwt as unknown) || typeof auth.jwt.secret !== 'string' || auth.jwt.secret.length === 0) {
      throw new StreamingOptionsError('auth.jwt.secret', 'must be a non-empty string');
    }
  }
  if (auth.anonymous !== undefined && typeof auth.anonymous !== 'boolean') {
    throw new StreamingOptionsError('auth.anonymous', 'must be a boolean');
  }
  if (options.channel !== undefined) checkNamespace('channel', options.channel);
  for (const [name, ns] of Object.entries(options.namespaces ?? {})) {
    if (!NAMESPACE_NAME.test(name)) throw new StreamingOptionsError(`namespaces.${name}`, 'is not a valid namespace name');
    checkNamespace(`namespaces.${name}`, ns);
  }
  const ws = options.websocket ?? {};
  const websocket = {
    path: ws.path ?? '/connection/websocket',
    maxMessageSize: ws.maxMessageSize ?? 65536,
    maxQueueSize: ws.maxQueueSize ?? 4 * 1024 * 1024,
    maxPendingCommands: ws.maxPendingCommands ?? 256,
    pingInterval: ws.pingInterval ?? 25,
    pongTimeout: ws.pongTimeout ?? 8,
  };
  if (!websocket.path.startsWith('/')) throw new StreamingOptionsError('websocket.path', "must start with '/'");
  checkNumber('websocket.maxMessageSize', websocket.maxMessageSize, 64);
  checkNumber('websocket.maxQueueSize', websocket.maxQueueSize, 1024);
  checkNumber('websocket.maxPendingCommands', websocket.maxPendingCommands, 1);
  checkNumber('websocket.pingInterval', websocket.pingInterval, 0);
  checkNumber('websocket.pongTimeout', websocket.pongTimeout, 0.01);
  const maxChannelLength = options.maxChannelLength ?? 255;
  checkNumber('maxChannelLength', maxChannelLength, 1);
  return {
    backend,
    auth,
    channel: options.channel ?? {},
    namespaces: options.namespaces ?? {},
    websocket,
    maxChannelLength,
    nodeName: options.nodeName ?? `${hostname()}_${process.pid}`,
  };
}

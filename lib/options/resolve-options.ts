import { hostname } from 'node:os';
import type { IdempotencyStore } from '../idempotency/idempotency-store.interface.js';
import type { ChannelRule } from '../permissions/channel-rule.interface.js';
import { allowAllChannelAccess, type ChannelAccess } from '../permissions/channel-access.interface.js';
import { checkPermissionsOptions } from '../permissions/check-permissions-options.js';
import { presetsByName } from '../permissions/presets.js';
import { proxyTrust, trustNoProxy, type ProxyTrust } from '../transport/client-address.js';
import { resolveDelivery, type ResolvedDeliveryOptions } from './delivery-options.js';
import type { NamespaceOptions, ResolvedNamespaceOptions } from './namespace-options.js';
import { deltaTypes } from '../delivery/delta-publication.js';
import { withDefaults } from './namespace-defaults.js';
import { defaultNamespaceOptions } from './namespace-options.js';
import { checkKnownKeys, checkNumber, isRecord, keysOf } from './option-checks.js';
import { resolveAuth, type ResolvedAuthOptions } from './resolve-auth-options.js';
import { resolveLimits, type ResolvedLimitsOptions } from './resolve-limits-options.js';
import {
  resolveMessagesOptions,
  type ResolvedMessagesOptions,
  resolvePresenceStatusOptions,
  resolveRoomsOptions,
  resolveTypingOptions,
  type ResolvedPresenceStatusOptions,
  type ResolvedRoomsOptions,
  type ResolvedTypingOptions,
} from './resolve-chat-options.js';
import { resolveBackendOptions, type ResolvedBackendOptions } from './resolve-backend-options.js';
import { resolveAdminOptions, type ResolvedAdminOptions } from './resolve-admin-options.js';
import { resolveApiOptions, type ResolvedApiOptions } from './resolve-api-options.js';
import { resolveTransportsOptions, type ResolvedTransportsOptions } from './resolve-transports-options.js';
import { resolveMetricsOptions, type ResolvedMetricsOptions } from './resolve-metrics-options.js';
import { resolveWebhooksOptions, type ResolvedWebhooksOptions } from './resolve-webhooks-options.js';
import { StreamingOptionsError } from './streaming-options-error.js';
import type { StreamingModuleOptions, WebSocketOptions } from './streaming-options.interface.js';

export interface ResolvedStreamingOptions {
  backend: ResolvedBackendOptions;
  auth: ResolvedAuthOptions;
  channel: NamespaceOptions;
  namespaces: Record<string, NamespaceOptions>;
  permissions: { rules: ChannelRule[] };
  websocket: Required<NonNullable<StreamingModuleOptions['websocket']>>;
  limits: ResolvedLimitsOptions;
  delivery: ResolvedDeliveryOptions;
  transports: ResolvedTransportsOptions;
  maxChannelLength: number;
  trustProxy: ProxyTrust;
  nodeName: string;
  idempotencyWindow: number;
  idempotencyStore?: IdempotencyStore;
  presenceTtl: number;
  channelAccess: ChannelAccess;
  /** Undefined when the API is off (no key). */
  api?: ResolvedApiOptions;
  typing: ResolvedTypingOptions;
  rooms: ResolvedRoomsOptions;
  messages: ResolvedMessagesOptions;
  presenceStatus: ResolvedPresenceStatusOptions;
  /** The admin dashboard; undefined when off. */
  admin?: ResolvedAdminOptions;
  webhooks?: ResolvedWebhooksOptions;
  /** Undefined when metrics are off (the default). */
  metrics?: ResolvedMetricsOptions;
  /** Seconds over which shutdown disconnects clients. */
  drainPeriod: number;
}

const NAMESPACE_NAME = /^[A-Za-z0-9_.-]+$/;

const TOP_LEVEL_KEYS = keysOf<StreamingModuleOptions>({
  backend: true, auth: true, channel: true, namespaces: true, permissions: true, websocket: true, limits: true,
  maxChannelLength: true, trustProxy: true, nodeName: true, idempotencyWindow: true, idempotencyStore: true, presenceTtl: true, channelAccess: true,
  api: true, admin: true, messages: true, rooms: true, typing: true, presenceStatus: true, webhooks: true, delivery: true, transports: true, metrics: true, shutdown: true,
});
const WEBSOCKET_KEYS = keysOf<WebSocketOptions>({
  path: true, maxMessageSize: true, maxQueueSize: true, maxPendingCommands: true, pingInterval: true, pongTimeout: true,
  connectTimeout: true, connectHandlingTimeout: true, closeTimeout: true,
});

function checkNamespace(field: string, ns: unknown): void {
  if (!isRecord(ns)) throw new StreamingOptionsError(field, 'must be an object');
  for (const [key, value] of Object.entries(ns)) {
    if (value === undefined) continue;
    if (key === 'preset') {
      if (!Object.hasOwn(presetsByName, value as string)) {
        const names = Object.keys(presetsByName).join(', ');
        throw new StreamingOptionsError(`${field}.preset`, `must be one of ${names}, got ${JSON.stringify(value)}`);
      }
      continue;
    }
    const expected = defaultNamespaceOptions[key as keyof ResolvedNamespaceOptions];
    if (expected === undefined) throw new StreamingOptionsError(`${field}.${key}`, 'is not a namespace option');
    if (typeof value !== typeof expected) {
      throw new StreamingOptionsError(`${field}.${key}`, `must be a ${typeof expected}, got ${JSON.stringify(value)}`);
    }
    if (typeof value === 'number') checkNumber(`${field}.${key}`, value, 0);
    if (key === 'allowedDeltaTypes') checkDeltaTypes(`${field}.${key}`, value);
  }
  const { historySize, historyTtl, forceRecovery } = withDefaults(ns as NamespaceOptions);
  // Centrifugo needs both too: a size without a ttl would start with history silently off. (A ttl
  // without a size is how `{ preset: 'chat', historySize: 0 }` turns a preset's history off.)
  if (historySize > 0 && historyTtl === 0) {
    throw new StreamingOptionsError(`${field}.historyTtl`, 'is needed with historySize: history is off without it (historySize: 0 turns it off)');
  }
  if (forceRecovery && !(historySize > 0 && historyTtl > 0)) {
    throw new StreamingOptionsError(`${field}.forceRecovery`, 'needs historySize and historyTtl above 0');
  }
}

function checkDeltaTypes(field: string, value: unknown): void {
  const known: readonly unknown[] = deltaTypes;
  if (!Array.isArray(value) || !value.every((type) => known.includes(type))) {
    throw new StreamingOptionsError(field, `must be a list of ${deltaTypes.join(', ')}, got ${JSON.stringify(value)}`);
  }
}

function resolveTrustProxy(value: unknown): ProxyTrust {
  if (value === undefined || value === false) return trustNoProxy;
  if (value === true) {
    // Express's `true` believes the leftmost entry, which any client can write: never what one means.
    throw new StreamingOptionsError('trustProxy', 'true would believe any client; give the number of proxies in front of the node, or their addresses');
  }
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0) throw new StreamingOptionsError('trustProxy', `must be a whole number >= 0, got ${value}`);
    return value === 0 ? trustNoProxy : proxyTrust(value);
  }
  if (!Array.isArray(value) || !value.every((entry) => typeof entry === 'string')) {
    throw new StreamingOptionsError('trustProxy', 'must be false, a number of proxies, or an array of proxy addresses and CIDR ranges');
  }
  try {
    return proxyTrust(value);
  } catch (err) {
    throw new StreamingOptionsError('trustProxy', (err as Error).message);
  }
}

/** Validates module options and fills in defaults. */
export function resolveOptions(options: StreamingModuleOptions = {}): ResolvedStreamingOptions {
  if (!isRecord(options as unknown)) throw new StreamingOptionsError('options', 'must be an object');
  checkKnownKeys('', options as Record<string, unknown>, TOP_LEVEL_KEYS, 'a StreamingModule option');
  const backend = resolveBackendOptions(options.backend);
  const auth = resolveAuth(options.auth);
  if (options.channel !== undefined) checkNamespace('channel', options.channel);
  for (const [name, ns] of Object.entries(options.namespaces ?? {})) {
    if (!NAMESPACE_NAME.test(name)) throw new StreamingOptionsError(`namespaces.${name}`, 'is not a valid namespace name');
    checkNamespace(`namespaces.${name}`, ns);
  }
  const permissions = checkPermissionsOptions(options.permissions);
  const ws = options.websocket ?? {};
  if (!isRecord(ws as unknown)) throw new StreamingOptionsError('websocket', 'must be an object');
  checkKnownKeys('websocket', ws as Record<string, unknown>, WEBSOCKET_KEYS, 'a websocket option');
  const websocket = {
    path: ws.path ?? '/connection/websocket',
    maxMessageSize: ws.maxMessageSize ?? 65536,
    maxQueueSize: ws.maxQueueSize ?? 4 * 1024 * 1024,
    maxPendingCommands: ws.maxPendingCommands ?? 256,
    pingInterval: ws.pingInterval ?? 25,
    pongTimeout: ws.pongTimeout ?? 8,
    connectTimeout: ws.connectTimeout ?? 5,
    connectHandlingTimeout: ws.connectHandlingTimeout ?? 5,
    closeTimeout: ws.closeTimeout ?? 1,
  };
  if (!websocket.path.startsWith('/')) throw new StreamingOptionsError('websocket.path', "must start with '/'");
  checkNumber('websocket.maxMessageSize', websocket.maxMessageSize, 64);
  checkNumber('websocket.maxQueueSize', websocket.maxQueueSize, 1024);
  checkNumber('websocket.maxPendingCommands', websocket.maxPendingCommands, 1);
  checkNumber('websocket.pingInterval', websocket.pingInterval, 0);
  checkNumber('websocket.pongTimeout', websocket.pongTimeout, 0.01);
  checkNumber('websocket.connectTimeout', websocket.connectTimeout, 0.01);
  checkNumber('websocket.connectHandlingTimeout', websocket.connectHandlingTimeout, 0.01);
  checkNumber('websocket.closeTimeout', websocket.closeTimeout, 0);
  const limits = resolveLimits(options.limits, websocket.maxMessageSize);
  const delivery = resolveDelivery(options.delivery, websocket.maxQueueSize);
  const maxChannelLength = options.maxChannelLength ?? 255;
  checkNumber('maxChannelLength', maxChannelLength, 1);
  const idempotencyWindow = options.idempotencyWindow ?? 300;
  checkNumber('idempotencyWindow', idempotencyWindow, 0);
  const { idempotencyStore } = options;
  const storeMethods = ['claim', 'complete', 'abandon', 'close'];
  if (idempotencyStore !== undefined && !storeMethods.every((m) => typeof (idempotencyStore as unknown as Record<string, unknown>)?.[m] === 'function')) {
    throw new StreamingOptionsError('idempotencyStore', `must be an IdempotencyStore (${storeMethods.join(', ')})`);
  }
  const presenceTtl = options.presenceTtl ?? 60;
  checkNumber('presenceTtl', presenceTtl, 1);
  const channelAccess = options.channelAccess ?? allowAllChannelAccess;
  if (typeof channelAccess.allows !== 'function') {
    throw new StreamingOptionsError('channelAccess', 'must have an allows(request) method');
  }
  const api = resolveApiOptions(options.api, websocket.path);
  const transports = resolveTransportsOptions(options.transports, { 'websocket.path': websocket.path, 'api.path': api?.path });
  const metrics = resolveMetricsOptions(options.metrics);
  const admin = resolveAdminOptions(options.admin, { 'websocket.path': websocket.path, 'api.path': api?.path, 'metrics.path': metrics?.path });
  return {
    backend,
    auth,
    channel: options.channel ?? {},
    namespaces: options.namespaces ?? {},
    permissions,
    websocket,
    limits,
    delivery,
    maxChannelLength,
    trustProxy: resolveTrustProxy(options.trustProxy),
    nodeName: options.nodeName ?? `${hostname()}_${process.pid}`,
    idempotencyWindow,
    idempotencyStore,
    presenceTtl,
    channelAccess,
    transports,
    api,
    admin,
    typing: resolveTypingOptions(options.typing),
    rooms: resolveRoomsOptions(options.rooms),
    messages: resolveMessagesOptions(options.messages),
    presenceStatus: resolvePresenceStatusOptions(options.presenceStatus),
    webhooks: resolveWebhooksOptions(options.webhooks),
    metrics,
    drainPeriod: resolveDrainPeriod(options.shutdown),
  };
}

function resolveDrainPeriod(shutdown: StreamingModuleOptions['shutdown']): number {
  if (shutdown === undefined) return 5;
  if (!isRecord(shutdown as unknown)) throw new StreamingOptionsError('shutdown', 'must be an object');
  checkKnownKeys('shutdown', shutdown as Record<string, unknown>, ['drainPeriod'], 'a shutdown option');
  checkNumber('shutdown.drainPeriod', shutdown.drainPeriod, 0);
  return shutdown.drainPeriod ?? 5;
}

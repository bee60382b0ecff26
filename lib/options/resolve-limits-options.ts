import type { LimitStore } from '../limits/limit-store.interface.js';
import { isRecord } from './option-checks.js';
import { StreamingOptionsError } from './streaming-options-error.js';
import type { LimitsOptions } from './streaming-options.interface.js';

export type ResolvedLimitsOptions = Required<Omit<LimitsOptions, 'store'>> & { store?: LimitStore };

const defaultLimits: Required<Omit<LimitsOptions, 'store'>> = {
  maxConnectionsPerUser: 0,
  userCommandsPerSecond: 0,
  userCommandBurst: 200,
  channelPublicationsPerSecond: 0,
  channelPublicationBurst: 50,
  maxConnections: 0,
  maxChannelsPerConnection: 128,
  commandsPerSecond: 100,
  commandBurst: 200,
  maxRefusedCommands: 50,
  maxPublicationDataSize: 0,
  maxChannels: 0,
  maxJoinLeaveSubscribers: 1000,
  connectionAttemptsPerSecond: 0,
  connectionAttemptBurst: 20,
  maxQueuedBytes: 128 * 1024 * 1024,
};

/** Each rate whose burst must let at least one event through once the rate is on. */
const BURSTS: Array<[rate: keyof typeof defaultLimits, burst: keyof typeof defaultLimits]> = [
  ['commandsPerSecond', 'commandBurst'],
  ['userCommandsPerSecond', 'userCommandBurst'],
  ['channelPublicationsPerSecond', 'channelPublicationBurst'],
  ['connectionAttemptsPerSecond', 'connectionAttemptBurst'],
];

const STORE_METHODS = ['take', 'acquire', 'refresh', 'release', 'close'] as const;

export function resolveLimits(value: LimitsOptions | undefined, maxMessageSize: number): ResolvedLimitsOptions {
  if (value !== undefined && !isRecord(value as unknown)) throw new StreamingOptionsError('limits', 'must be an object');
  const { store, ...numbers } = value ?? {};
  for (const key of Object.keys(numbers)) {
    if (!Object.hasOwn(defaultLimits, key)) throw new StreamingOptionsError(`limits.${key}`, 'is not a limits option');
  }
  const limits = { ...defaultLimits, ...numbers };
  for (const [key, limit] of Object.entries(limits)) {
    if (!Number.isInteger(limit) || limit < 0) {
      throw new StreamingOptionsError(`limits.${key}`, `must be a whole number >= 0, got ${JSON.stringify(limit)}`);
    }
  }
  for (const [rate, burst] of BURSTS) {
    if (limits[rate] > 0 && limits[burst] < 1) throw new StreamingOptionsError(`limits.${burst}`, `must be at least 1 when ${rate} is set`);
  }
  // A larger limit could never be reached: the frame carrying the data is refused first (1009).
  if (limits.maxPublicationDataSize > maxMessageSize) {
    throw new StreamingOptionsError('limits.maxPublicationDataSize', `must not exceed websocket.maxMessageSize (${maxMessageSize})`);
  }
  if (store !== undefined) {
    const missing = STORE_METHODS.filter((method) => typeof (store as unknown as Record<string, unknown>)?.[method] !== 'function');
    if (missing.length > 0) throw new StreamingOptionsError('limits.store', `must be a LimitStore; it has no ${missing.join(', ')} method`);
  }
  return { ...limits, store };
}

import { StreamingOptionsError } from './streaming-options-error.js';

/** permessage-deflate (RFC 7692) as `ws` negotiates it; see README, "Compression". */
export interface CompressionOptions {
  /** Frames smaller than this many bytes are sent uncompressed. Default 1024. */
  threshold?: number;
  /** zlib level, 1 (fastest) to 9 (smallest). Default 3. */
  level?: number;
  /** zlib memLevel, 1 to 9: the deflate state is `2^(memLevel+9)` bytes. Default 4 (8 KiB). */
  memLevel?: number;
  /** LZ77 window of the server's compressor, 9 to 15: `2^(windowBits+2)` bytes. Default 11 (8 KiB). */
  windowBits?: number;
  /**
   * Keep the compression context between messages (better ratio on similar messages). Default false:
   * the window is reset after each message, as Centrifugo does, so a connection's compressor holds
   * no history.
   */
  contextTakeover?: boolean;
  /** zlib jobs running at once for the whole process. Default 10. */
  concurrency?: number;
}

export interface DeliveryOptions {
  /**
   * Milliseconds a message may wait to share a frame with later ones. 0 (default): messages produced
   * in one event-loop turn share a frame and leave at the end of that turn.
   */
  maxDelay?: number;
  /** Bytes of one frame (messages and their newline separators); a single larger message goes alone. 0: no cap. Default 0. */
  maxBatchBytes?: number;
  /** Messages in one frame. 0: no cap. Default 0. */
  maxBatchMessages?: number;
  /**
   * Bytes held by a connection's socket past which its low-priority (ephemeral) messages are
   * dropped. Below `websocket.maxQueueSize`. Default a quarter of it.
   */
  lowPriorityQueueSize?: number;
  /** permessage-deflate; `true` for the defaults. Default false. */
  compression?: boolean | CompressionOptions;
}

export interface ResolvedDeliveryOptions {
  maxDelay: number;
  maxBatchBytes: number;
  maxBatchMessages: number;
  lowPriorityQueueSize: number;
  compression: Required<CompressionOptions> | false;
}

const defaultCompression: Required<CompressionOptions> = {
  threshold: 1024,
  level: 3,
  memLevel: 4,
  windowBits: 11,
  contextTakeover: false,
  concurrency: 10,
};

const compressionRanges: Record<keyof CompressionOptions, [number, number] | 'boolean'> = {
  threshold: [0, Number.MAX_SAFE_INTEGER],
  level: [1, 9],
  memLevel: [1, 9],
  windowBits: [9, 15],
  contextTakeover: 'boolean',
  concurrency: [1, 1024],
};

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkWhole(field: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
    throw new StreamingOptionsError(field, `must be a whole number ${range}, got ${JSON.stringify(value)}`);
  }
}

function resolveCompression(value: unknown): Required<CompressionOptions> | false {
  if (value === undefined || value === false) return false;
  if (value === true) return defaultCompression;
  if (!isRecord(value)) throw new StreamingOptionsError('delivery.compression', 'must be a boolean or an object');
  const resolved = { ...defaultCompression, ...value };
  for (const [key, v] of Object.entries(resolved)) {
    const range = compressionRanges[key as keyof CompressionOptions];
    const field = `delivery.compression.${key}`;
    if (range === undefined) throw new StreamingOptionsError(field, 'is not a compression option');
    if (range === 'boolean') {
      if (typeof v !== 'boolean') throw new StreamingOptionsError(field, `must be a boolean, got ${JSON.stringify(v)}`);
    } else checkWhole(field, v, range[0], range[1]);
  }
  return resolved;
}

const deliveryKeys = new Set(['maxDelay', 'maxBatchBytes', 'maxBatchMessages', 'lowPriorityQueueSize', 'compression']);

/** Validates `delivery` against the connection's queue limit (`websocket.maxQueueSize`). */
export function resolveDelivery(value: unknown, maxQueueSize: number): ResolvedDeliveryOptions {
  if (value !== undefined && !isRecord(value)) throw new StreamingOptionsError('delivery', 'must be an object');
  const options = (value ?? {}) as DeliveryOptions;
  for (const key of Object.keys(options)) {
    if (!deliveryKeys.has(key)) throw new StreamingOptionsError(`delivery.${key}`, 'is not a delivery option');
  }
  const resolved: ResolvedDeliveryOptions = {
    maxDelay: options.maxDelay ?? 0,
    maxBatchBytes: options.maxBatchBytes ?? 0,
    maxBatchMessages: options.maxBatchMessages ?? 0,
    lowPriorityQueueSize: options.lowPriorityQueueSize ?? Math.floor(maxQueueSize / 4),
    compression: resolveCompression(options.compression),
  };
  // A timer longer than this is a mistake, not a batching policy: clients would time out first.
  checkWhole('delivery.maxDelay', resolved.maxDelay, 0, 10_000);
  checkWhole('delivery.maxBatchBytes', resolved.maxBatchBytes, 0);
  checkWhole('delivery.maxBatchMessages', resolved.maxBatchMessages, 0);
  checkWhole('delivery.lowPriorityQueueSize', resolved.lowPriorityQueueSize, 0);
  if (resolved.lowPriorityQueueSize >= maxQueueSize) {
    throw new StreamingOptionsError('delivery.lowPriorityQueueSize', `must be below websocket.maxQueueSize (${maxQueueSize})`);
  }
  return resolved;
}

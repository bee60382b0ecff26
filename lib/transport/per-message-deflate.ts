import type { PerMessageDeflateOptions } from 'ws';
import type { ResolvedDeliveryOptions } from '../options/delivery-options.js';

/**
 * `delivery.compression` as `ws` takes it. `ws` keeps a connection's zlib streams once it has
 * compressed or inflated a message, reset but not freed without context takeover, so the window
 * and memLevel are what bound memory per compressing connection; small frames skip zlib entirely.
 */
export function perMessageDeflate(compression: ResolvedDeliveryOptions['compression']): PerMessageDeflateOptions | false {
  if (!compression) return false;
  const noContextTakeover = !compression.contextTakeover;
  return {
    threshold: compression.threshold,
    concurrencyLimit: compression.concurrency,
    serverNoContextTakeover: noContextTakeover,
    clientNoContextTakeover: noContextTakeover,
    serverMaxWindowBits: compression.windowBits,
    zlibDeflateOptions: { level: compression.level, memLevel: compression.memLevel },
  };
}

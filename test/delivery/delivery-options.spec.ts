import type { StreamingModuleOptions } from '../../lib/index.js';
import { resolveOptions } from '../../lib/options/resolve-options.js';
import { StreamingOptionsError } from '../../lib/options/streaming-options-error.js';

/** `delivery` options are checked at start-up, with the field named. */
describe('delivery options', () => {
  it.each([
    [{ maxDelay: -1 }, 'delivery.maxDelay must be a whole number from 0 to 10000'],
    [{ maxDelay: 60_000 }, 'delivery.maxDelay must be a whole number from 0 to 10000'],
    [{ maxBatchBytes: 1.5 }, 'delivery.maxBatchBytes must be a whole number >= 0'],
    [{ maxBatchMessages: '4' }, 'delivery.maxBatchMessages must be a whole number >= 0'],
    [{ lowPriorityQueueSize: 4 * 1024 * 1024 }, 'delivery.lowPriorityQueueSize must be below websocket.maxQueueSize (4194304)'],
    [{ batch: 1 }, 'delivery.batch is not a delivery option'],
    [{ compression: 'gzip' }, 'delivery.compression must be a boolean or an object'],
    [{ compression: { level: 10 } }, 'delivery.compression.level must be a whole number from 1 to 9'],
    [{ compression: { windowBits: 8 } }, 'delivery.compression.windowBits must be a whole number from 9 to 15'],
    [{ compression: { contextTakeover: 'yes' } }, 'delivery.compression.contextTakeover must be a boolean'],
    [{ compression: { zlib: {} } }, 'delivery.compression.zlib is not a compression option'],
  ])('refuses %j', (delivery, message) => {
    const resolve = () => resolveOptions({ delivery } as StreamingModuleOptions);
    expect(resolve).toThrow(StreamingOptionsError);
    expect(resolve).toThrow(message);
  });

  it('defaults: per-turn frames without caps, low priority dropped at a quarter of maxQueueSize, no compression', () => {
    expect(resolveOptions({ websocket: { maxQueueSize: 1 << 20 } }).delivery).toEqual({
      maxDelay: 0,
      maxBatchBytes: 0,
      maxBatchMessages: 0,
      lowPriorityQueueSize: 1 << 18,
      compression: false,
    });
    expect(resolveOptions({ delivery: { compression: { threshold: 256 } } }).delivery.compression).toEqual({
      threshold: 256,
      level: 3,
      memLevel: 4,
      windowBits: 11,
      contextTakeover: false,
      concurrency: 10,
    });
  });
});

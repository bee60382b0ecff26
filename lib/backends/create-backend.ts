import type { ResolvedStreamingOptions } from '../options/resolve-options.js';
import type { Backend } from './backend.interface.js';
import { createMemoryBackend } from './memory/memory-backend.js';

/** The one place that turns `backend.type` into stores. */
export async function createBackend(options: ResolvedStreamingOptions): Promise<Backend> {
  switch (options.backend.type) {
    case 'memory':
      return createMemoryBackend(options.presenceTtl);
    case 'redis': {
      // Loaded only for Redis: the module imports ioredis only then.
      const { createRedisBackend } = await import('./redis/redis-backend.js');
      return createRedisBackend(options.backend, options.presenceTtl);
    }
  }
}

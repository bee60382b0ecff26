import type { ResolvedStreamingOptions } from '../options/resolve-options.js';
import type { Backend } from './backend.interface.js';
import { createMemoryBackend } from './memory/memory-backend.js';

/** The one place that turns `backend.type` into stores. */
export function createBackend(options: ResolvedStreamingOptions): Backend {
  switch (options.backend.type) {
    case 'memory':
      return createMemoryBackend(options.presenceTtl);
  }
}

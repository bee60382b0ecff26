import type { INestApplication } from '@nestjs/common';
import type { Backend } from '../../lib/backends/backend.interface.js';
import { BACKEND } from '../../lib/streaming.constants.js';

/**
 * The app's backend stores, for tests that time or fail a store call. The engine reaches them
 * only through `Node`, which holds this same object: a method replaced here is the one it calls.
 */
export function storesOf(app: INestApplication): Backend {
  return app.get<Backend>(BACKEND, { strict: false });
}

import { createBackend } from '../../lib/backends/create-backend.js';
import { resolveOptions } from '../../lib/options/resolve-options.js';
import { freePort } from '../support/redis-server.js';

/** Redis away at start-up: a clear error naming the address and the option, not a hang. */
describe('the Redis backend at start-up', () => {
  it('fails after startupTimeout when nothing answers, saying where and why', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    const options = resolveOptions({ auth: { anonymous: true }, backend: { type: 'redis', url, startupTimeout: 0.5 } });
    await expect(createBackend(options)).rejects.toThrow(new RegExp(`Redis at ${url} did not answer within 0.5 s \\(backend.startupTimeout\\)`));
  });
});

import type { StreamingModuleOptions } from '../lib/index.js';
import { resolveOptions } from '../lib/options/resolve-options.js';
import { StreamingOptionsError } from '../lib/options/streaming-options-error.js';

const endpoint = { url: 'http://127.0.0.1:9/hook', secret: 's' };

describe('server API, webhook and idempotency options', () => {
  it.each<[string, Partial<StreamingModuleOptions>, RegExp]>([
    ['an api path without a key', { api: { path: '/api' } }, /api\.key is required to serve the API/],
    ['an empty api key', { api: { key: '' } }, /api\.key must be a non-empty string/],
    ['an api path without a leading slash', { api: { key: 'k', path: 'api' } }, /api\.path must start with '\/'/],
    ['an api path ending in a slash', { api: { key: 'k', path: '/api/' } }, /api\.path must start with '\/', not end with '\/'/],
    ['an api path holding the websocket path', { api: { key: 'k', path: '/connection' } }, /api\.path must not contain websocket\.path/],
    ['a tiny api body limit', { api: { key: 'k', maxBodySize: 10 } }, /api\.maxBodySize must be a number >= 64/],
    ['an unknown api option', { api: { key: 'k', prefix: '/x' } as never }, /api\.prefix is not an api option/],
    ['a negative idempotency window', { idempotencyWindow: -1 }, /idempotencyWindow must be a number >= 0/],
    ['a presence ttl under a second', { presenceTtl: 0.5 }, /presenceTtl must be a number >= 1/],
    ['a channelAccess without allows', { channelAccess: {} as never }, /channelAccess must have an allows\(request\) method/],
    ['webhooks without endpoints', { webhooks: { endpoints: [] } }, /webhooks\.endpoints must be a non-empty array/],
    ['a webhook url that is not http(s)', { webhooks: { endpoints: [{ ...endpoint, url: 'ftp://x/hook' }] } }, /webhooks\.endpoints\[0\]\.url must be an http\(s\) URL/],
    ['a webhook without a secret', { webhooks: { endpoints: [{ url: endpoint.url } as never] } }, /webhooks\.endpoints\[0\]\.secret is required/],
    ['an unknown webhook event', { webhooks: { endpoints: [{ ...endpoint, events: ['streaming.exploded' as never] }] } }, /events has "streaming\.exploded", which is not one of streaming\.connected/],
    ['zero webhook attempts', { webhooks: { endpoints: [endpoint], maxAttempts: 0 } }, /webhooks\.maxAttempts must be a whole number >= 1/],
    ['a max backoff under the initial one', { webhooks: { endpoints: [endpoint], initialBackoff: 1000, maxBackoff: 10 } }, /webhooks\.maxBackoff must not be less than initialBackoff/],
    ['a misspelt top-level option', { limit: { maxConnections: 1 } } as never, /options: limit is not a StreamingModule option/],
    ['a misspelt websocket option', { websocket: { pingIntervall: 5 } } as never, /websocket\.pingIntervall is not a websocket option/],
    ['an unknown backend option', { backend: { type: 'memory', url: 'redis://x' } } as never, /backend\.url is not a backend option/],
    ['an unknown backend type', { backend: { type: 'mongo' } } as never, /backend\.type must be 'memory' or 'redis', got "mongo"/],
    ['a Redis url of another scheme', { backend: { type: 'redis', url: 'http://x:6379' } }, /backend\.url must be a redis:\/\/ or rediss:\/\/ URL/],
    ['two ways to reach Redis', { backend: { type: 'redis', url: 'redis://x', cluster: { nodes: ['x:1'] } } }, /backend takes one of url\/options, cluster, shards or client/],
    ['shards beside a url', { backend: { type: 'redis', url: 'redis://x', shards: ['redis://y'] } }, /backend takes one of url\/options, cluster, shards or client/],
    ['no shards', { backend: { type: 'redis', shards: [] } }, /backend\.shards must be a non-empty array/],
    ['a shard that is no Redis', { backend: { type: 'redis', shards: ['redis://a', 'http://b'] } }, /backend\.shards\[1\] must be a redis:\/\/ or rediss:\/\/ URL or an object of ioredis options, got "http:\/\/b"/],
    ['sharded pub/sub that is no boolean', { backend: { type: 'redis', shardedPubSub: 'yes' } } as never, /backend\.shardedPubSub must be a boolean/],
    ['a Redis client that is none', { backend: { type: 'redis', client: {} } }, /backend\.client must be an ioredis Redis or Cluster client/],
    ['a Cluster without nodes', { backend: { type: 'redis', cluster: { nodes: [] } } }, /backend\.cluster must be \{ nodes/],
    ['a negative Redis start-up timeout', { backend: { type: 'redis', startupTimeout: -1 } }, /backend\.startupTimeout must be a number >= 0/],
    ['an unknown Redis option', { backend: { type: 'redis', host: 'x' } } as never, /backend\.host is not a backend option/],
    ['historySize without historyTtl', { namespaces: { chat: { historySize: 10 } } }, /namespaces\.chat\.historyTtl is needed with historySize/],
    ['a preset keeping history with historyTtl 0', { channel: { preset: 'chat', historyTtl: 0 } }, /channel\.historyTtl is needed with historySize/],
    ['an unknown webhooks option', { webhooks: { endpoints: [endpoint], retries: 3 } as never }, /webhooks\.retries is not a webhooks option/],
  ])('refuses %s, naming the field', (_name, options, message) => {
    expect(() => resolveOptions(options as StreamingModuleOptions)).toThrow(StreamingOptionsError);
    expect(() => resolveOptions(options as StreamingModuleOptions)).toThrow(message);
  });

  it('leaves the API off without a key and fills in the defaults with one', () => {
    expect(resolveOptions({}).api).toBeUndefined();
    expect(resolveOptions({ api: {} }).api).toBeUndefined();
    expect(resolveOptions({ api: { key: 'k' } }).api).toEqual({ key: 'k', path: '/api', maxBodySize: 1024 * 1024 });
    expect(resolveOptions({}).idempotencyWindow).toBe(300);
  });

  it('sends every event to an endpoint that names none', () => {
    const { webhooks } = resolveOptions({ webhooks: { endpoints: [endpoint] } });
    expect(webhooks?.endpoints[0]?.events.size).toBe(8);
    expect(webhooks).toMatchObject({ maxQueueSize: 10_000, maxAttempts: 5, initialBackoff: 500, maxBackoff: 30_000, timeout: 5000 });
  });
});

/** The sample's settings, read from the environment. */
export const DEV_SECRET = 'streaming-sample-dev-secret';
/** The admin dashboard's password when `STREAMING_ADMIN_PASSWORD` is unset: for a developer's own machine only. */
export const DEV_ADMIN_PASSWORD = 'streaming-sample-admin';

/** Injection token of the SampleConfig. */
export const SAMPLE_CONFIG = Symbol('SAMPLE_CONFIG');

export interface SampleConfig {
  /** HMAC secret of connection tokens: `STREAMING_JWT_SECRET`, else DEV_SECRET. */
  secret: string;
  /** The secret is the published development default, so anyone can forge tokens. */
  devSecret: boolean;
  /** Serve `GET /dev/token`: only with the development secret and unless `STREAMING_SAMPLE_DEV_TOKENS=0`. */
  devTokens: boolean;
  /** `STREAMING_API_KEY`: serves the server HTTP API at `/api` with this key; unset, no API. */
  apiKey?: string;
  /** `STREAMING_WEBHOOK_URL` and `STREAMING_WEBHOOK_SECRET`: POST every event there, signed. */
  webhook?: { url: string; secret: string };
  /** The admin dashboard's password at `/admin`: `STREAMING_ADMIN_PASSWORD`, else DEV_ADMIN_PASSWORD (with a warning). */
  adminPassword: string;
  /** `STREAMING_BACKEND=redis` with `REDIS_URL` (default redis://127.0.0.1:6379): this node is one of many. */
  redisUrl?: string;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): SampleConfig {
  const secret = env.STREAMING_JWT_SECRET || DEV_SECRET;
  const devSecret = secret === DEV_SECRET;
  const { STREAMING_API_KEY: apiKey, STREAMING_WEBHOOK_URL: url, STREAMING_WEBHOOK_SECRET: hookSecret } = env;
  return {
    secret,
    devSecret,
    devTokens: devSecret && env.STREAMING_SAMPLE_DEV_TOKENS !== '0',
    adminPassword: env.STREAMING_ADMIN_PASSWORD || DEV_ADMIN_PASSWORD,
    ...(env.STREAMING_BACKEND === 'redis' ? { redisUrl: env.REDIS_URL || 'redis://127.0.0.1:6379' } : {}),
    ...(apiKey ? { apiKey } : {}),
    ...(url && hookSecret ? { webhook: { url, secret: hookSecret } } : {}),
  };
}

/** What an operator must hear at startup about this configuration. */
export function configWarnings(config: SampleConfig): string[] {
  const warnings: string[] = [];
  if (config.devSecret) {
    warnings.push(
      `STREAMING_JWT_SECRET is not set: using the development secret "${DEV_SECRET}", which anyone can read. ` +
        'Set STREAMING_JWT_SECRET to a long random value anywhere but on your own machine.',
    );
  }
  if (config.devTokens) {
    warnings.push(
      'GET /dev/token signs a token for any name it is asked for: a development convenience that must never run ' +
        'in production. Setting STREAMING_JWT_SECRET or STREAMING_SAMPLE_DEV_TOKENS=0 turns it off.',
    );
  }
  if (config.adminPassword === DEV_ADMIN_PASSWORD) {
    warnings.push(
      `STREAMING_ADMIN_PASSWORD is not set: the dashboard at /admin opens with the development password "${DEV_ADMIN_PASSWORD}", ` +
        'and from it anyone can publish and disconnect users. Set STREAMING_ADMIN_PASSWORD anywhere but on your own machine.',
    );
  }
  return warnings;
}

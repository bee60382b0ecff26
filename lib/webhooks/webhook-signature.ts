import { createHmac, timingSafeEqual } from 'node:crypto';

/** Headers of a webhook request. */
export const WebhookHeaders = {
  Event: 'x-streaming-event',
  Delivery: 'x-streaming-delivery',
  Attempt: 'x-streaming-attempt',
  Timestamp: 'x-streaming-timestamp',
  Signature: 'x-streaming-signature',
} as const;

/**
 * The signature header's value: `sha256=` and the hex HMAC-SHA256, keyed with the endpoint's
 * secret, of `<timestamp>.<body>` (the timestamp header, a dot, the raw body bytes).
 */
export function signWebhook(secret: string, timestamp: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`;
}

/**
 * For receivers: whether a webhook request is genuine and fresh. `timestamp` and `signature` are
 * the headers, `body` the raw bytes as received (not re-serialized JSON).
 */
export function verifyWebhookSignature(
  secret: string,
  timestamp: string | undefined,
  body: string | Buffer,
  signature: string | undefined,
  toleranceSeconds = 300,
): boolean {
  if (!timestamp || !signature || !/^\d+$/.test(timestamp)) return false;
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

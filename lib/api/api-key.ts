import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** The key from `X-API-Key: <key>` or `Authorization: apikey <key>` (Centrifugo's two forms). */
export function apiKeyOf(headers: IncomingHttpHeaders): string | undefined {
  const header = headers['x-api-key'];
  if (typeof header === 'string' && header !== '') return header;
  const match = /^apikey\s+(.+)$/i.exec(headers.authorization ?? '');
  return match?.[1]?.trim();
}

/** Compares digests, so the time taken says nothing about how much of the key was right, nor its length. */
export function keyMatches(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const digest = (key: string) => createHash('sha256').update(key).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

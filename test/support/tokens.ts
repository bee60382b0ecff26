import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';

export const TEST_SECRET = 'test-secret-for-streaming-e2e';

/**
 * `exp` for a token that lives at least `expiresIn` seconds. `exp` is in whole seconds: counted
 * from the current second, a 1-second token minted at x.999 would be expired 1 ms later, so count
 * from the next one (the token may live up to a second longer, never shorter).
 */
export function expiryIn(expiresIn: number): number {
  return Math.ceil(Date.now() / 1000) + expiresIn;
}

/** An HS256 connection token living at least `expiresIn` seconds (negative for an expired token). */
export async function connectionToken(
  user: string,
  claims: Record<string, unknown> = {},
  expiresIn = 3600,
  secret = TEST_SECRET,
): Promise<string> {
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(user)
    .setIssuedAt(Math.floor(Date.now() / 1000))
    .setExpirationTime(expiryIn(expiresIn))
    .sign(new TextEncoder().encode(secret));
}

/** An HS256 subscription token for `channel` living at least `expiresIn` seconds (negative for an expired token). */
export async function subscriptionToken(
  user: string,
  channel: string,
  claims: Record<string, unknown> = {},
  expiresIn = 3600,
  secret = TEST_SECRET,
): Promise<string> {
  return connectionToken(user, { channel, ...claims }, expiresIn, secret);
}

/** Signs any claims with any key and header, for tokens the helpers above would never make. */
export async function signToken(
  claims: Record<string, unknown>,
  alg: string,
  key: KeyObject | Uint8Array,
  header: Record<string, unknown> = {},
): Promise<string> {
  return new SignJWT({ ...claims }).setProtectedHeader({ ...header, alg }).sign(key);
}

/** An unsigned token (`alg: none`), as an attacker would write it by hand. */
export function unsignedToken(claims: Record<string, unknown>): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`;
}

/** Claims with `sub`, `iat` and `exp` (at least `expiresIn` seconds from now) filled in. */
export function claimsFor(user: string, claims: Record<string, unknown> = {}, expiresIn = 3600): Record<string, unknown> {
  return { sub: user, iat: Math.floor(Date.now() / 1000), exp: expiryIn(expiresIn), ...claims };
}

export const hmacKey = (secret = TEST_SECRET): Uint8Array => new TextEncoder().encode(secret);

/** A fresh RSA or EC (P-256) key pair for RS256 / ES256 tokens. */
export function keyPair(type: 'rsa' | 'ec'): { privateKey: KeyObject; publicKey: KeyObject; publicPem: string } {
  const pair =
    type === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { ...pair, publicPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

import { createPublicKey, type KeyObject } from 'node:crypto';
import { authenticatorProviderProblem } from '../auth/authenticator-provider.js';
import {
  algorithmsOfPublicKey,
  EC_ALGORITHMS,
  HMAC_ALGORITHMS,
  importPrivateKey,
  importPublicKey,
  RSA_ALGORITHMS,
} from '../auth/jwt-algorithms.js';
import { checkKnownKeys, checkNumber, checkString, isRecord, keysOf } from './option-checks.js';
import { StreamingOptionsError } from './streaming-options-error.js';
import type { AuthOptions, JwtOptions } from './streaming-options.interface.js';

export type ResolvedAuthOptions = AuthOptions & Required<Pick<AuthOptions, 'expiredCloseDelay' | 'expiredSubCloseDelay'>>;

const AUTH_KEYS = keysOf<AuthOptions>({ jwt: true, anonymous: true, authenticator: true, expiredCloseDelay: true, expiredSubCloseDelay: true });
const JWT_KEYS = keysOf<JwtOptions>({
  secret: true, publicKey: true, privateKey: true, jwksUrl: true, jwksCacheMaxAge: true, jwksCooldown: true,
  algorithms: true, audience: true, issuer: true,
});
/** Keys are imported here so that a bad one fails at start-up, and `algorithms` must fit the keys. */
function checkJwt(jwt: unknown): void {
  if (!isRecord(jwt)) throw new StreamingOptionsError('auth.jwt', 'must be an object');
  checkKnownKeys('auth.jwt', jwt, JWT_KEYS, 'an auth.jwt option');
  const { secret, publicKey, privateKey, jwksUrl, algorithms, audience, issuer, jwksCacheMaxAge, jwksCooldown } = jwt;
  checkString('auth.jwt.secret', secret);
  checkString('auth.jwt.audience', audience);
  checkString('auth.jwt.issuer', issuer);
  const available: string[] = secret ? [...HMAC_ALGORITHMS] : [];
  let verifyingKey: KeyObject | undefined;
  if (publicKey !== undefined) {
    if (typeof publicKey !== 'string' && !isRecord(publicKey)) {
      throw new StreamingOptionsError('auth.jwt.publicKey', 'must be a PEM string or a JWK object');
    }
    try {
      verifyingKey = importPublicKey(publicKey);
    } catch (err) {
      throw new StreamingOptionsError('auth.jwt.publicKey', `is not a usable RSA or EC public key: ${(err as Error).message}`);
    }
    available.push(...algorithmsOfPublicKey(verifyingKey));
  }
  const signingAlgorithms = privateKey === undefined ? [] : checkPrivateKey(privateKey, verifyingKey);
  if (publicKey === undefined && jwksUrl === undefined) available.push(...signingAlgorithms);
  if (jwksUrl !== undefined) {
    if (publicKey !== undefined) throw new StreamingOptionsError('auth.jwt.jwksUrl', 'cannot be used together with publicKey');
    let url: URL | undefined;
    try {
      url = new URL(String(jwksUrl));
    } catch {
      url = undefined;
    }
    if (typeof jwksUrl !== 'string' || !url || !['http:', 'https:'].includes(url.protocol)) {
      throw new StreamingOptionsError('auth.jwt.jwksUrl', `must be an http(s) URL, got ${JSON.stringify(jwksUrl)}`);
    }
    available.push(...RSA_ALGORITHMS, ...EC_ALGORITHMS);
  }
  for (const [field, value] of [['jwksCacheMaxAge', jwksCacheMaxAge], ['jwksCooldown', jwksCooldown]] as const) {
    if (value === undefined) continue;
    if (jwksUrl === undefined) throw new StreamingOptionsError(`auth.jwt.${field}`, 'needs jwksUrl');
    checkNumber(`auth.jwt.${field}`, value, 0);
  }
  if (available.length === 0) {
    // `secret: process.env.X!` with X unset is the usual way here: say so rather than only what is missing.
    const given = Object.keys(jwt).filter((key) => ['secret', 'publicKey', 'privateKey', 'jwksUrl'].includes(key));
    const why = given.length > 0 ? ` (${given.map((key) => `${key} is ${JSON.stringify(jwt[key]) ?? 'undefined'}`).join(', ')})` : '';
    throw new StreamingOptionsError('auth.jwt', `needs a secret, a publicKey, a privateKey or a jwksUrl${why}`);
  }
  if (algorithms !== undefined) {
    if (!Array.isArray(algorithms) || algorithms.length === 0) {
      throw new StreamingOptionsError('auth.jwt.algorithms', 'must be a non-empty array');
    }
    for (const alg of algorithms) {
      if (!available.includes(alg as string)) {
        throw new StreamingOptionsError(
          'auth.jwt.algorithms',
          `has ${JSON.stringify(alg)}, which no configured key verifies (these do: ${available.join(', ')})`,
        );
      }
    }
    if (signingAlgorithms.length > 0 && !signingAlgorithms.some((alg) => algorithms.includes(alg))) {
      throw new StreamingOptionsError('auth.jwt.privateKey', `signs ${signingAlgorithms.join(' or ')}, which auth.jwt.algorithms leaves out`);
    }
  }
}

/** The algorithms the private key signs; with a `publicKey` beside it, the two must be one pair. */
function checkPrivateKey(privateKey: unknown, publicKey: KeyObject | undefined): string[] {
  if (typeof privateKey !== 'string' && !isRecord(privateKey)) {
    throw new StreamingOptionsError('auth.jwt.privateKey', 'must be a PEM string or a JWK object');
  }
  let key: KeyObject;
  try {
    key = importPrivateKey(privateKey);
  } catch (err) {
    throw new StreamingOptionsError('auth.jwt.privateKey', `is not a usable RSA or EC private key: ${(err as Error).message}`);
  }
  const spki = (k: KeyObject) => k.export({ type: 'spki', format: 'der' });
  if (publicKey && !spki(createPublicKey(key)).equals(spki(publicKey))) {
    throw new StreamingOptionsError('auth.jwt.privateKey', 'is not the private half of auth.jwt.publicKey: tokens it signs would not verify');
  }
  return algorithmsOfPublicKey(key);
}

export function resolveAuth(value: AuthOptions | undefined): ResolvedAuthOptions {
  const auth = value ?? {};
  if (!isRecord(auth as unknown)) throw new StreamingOptionsError('auth', 'must be an object');
  checkKnownKeys('auth', auth as Record<string, unknown>, AUTH_KEYS, 'an auth option');
  if (auth.jwt !== undefined) checkJwt(auth.jwt);
  if (auth.anonymous !== undefined && typeof auth.anonymous !== 'boolean') {
    throw new StreamingOptionsError('auth.anonymous', 'must be a boolean');
  }
  if (auth.authenticator !== undefined) {
    const problem = authenticatorProviderProblem(auth.authenticator);
    if (problem) throw new StreamingOptionsError('auth.authenticator', problem);
  }
  // Centrifugo's default grace: the SDK sends refresh only when the ttl is over.
  const resolved = { ...auth, expiredCloseDelay: auth.expiredCloseDelay ?? 25, expiredSubCloseDelay: auth.expiredSubCloseDelay ?? 25 };
  checkNumber('auth.expiredCloseDelay', resolved.expiredCloseDelay, 0);
  checkNumber('auth.expiredSubCloseDelay', resolved.expiredSubCloseDelay, 0);
  return resolved;
}

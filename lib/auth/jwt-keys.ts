import { createPublicKey } from 'node:crypto';
import { createRemoteJWKSet, errors, type JWTVerifyGetKey } from 'jose';
import type { JwtOptions } from '../options/streaming-options.interface.js';
import {
  algorithmsOfPublicKey,
  EC_ALGORITHMS,
  HMAC_ALGORITHMS,
  importPrivateKey,
  importPublicKey,
  isHmacAlgorithm,
  RSA_ALGORITHMS,
  type JwtAlgorithm,
} from './jwt-algorithms.js';

/** The JWKS endpoint could not be read: the server's problem, not the token's. */
export class JwksUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`JWKS unavailable: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'JwksUnavailableError';
  }
}

export interface JwtKeys {
  /** Algorithms accepted: those the configured keys verify, narrowed by `algorithms` when set. */
  algorithms: JwtAlgorithm[];
  resolve: JWTVerifyGetKey;
}

/** jose's own defaults, in seconds. */
const DEFAULT_JWKS_CACHE_MAX_AGE = 600;
const DEFAULT_JWKS_COOLDOWN = 30;

/** `JwksUnavailableError` keeps jose's remote JWKS fetch failures apart from unknown keys. */
function jwksResolver(url: string, cacheMaxAge: number, cooldown: number): JWTVerifyGetKey {
  // jose keeps the set `cacheMaxAge`, refetches on an unknown `kid` at most every `cooldown`, times out after 5 s.
  const jwks = createRemoteJWKSet(new URL(url), { cacheMaxAge: cacheMaxAge * 1000, cooldownDuration: cooldown * 1000 });
  return async (header, token) => {
    try {
      return await jwks(header, token);
    } catch (err) {
      if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) throw err;
      throw new JwksUnavailableError(err);
    }
  };
}

/**
 * Keys and algorithms from the JWT options. The key is chosen by the token's algorithm family and
 * only among algorithms the configured keys allow, so an HS token is never checked against a
 * public key's bytes (HS/RS confusion) and `alg: none` is never accepted.
 */
export function createJwtKeys(options: JwtOptions): JwtKeys {
  const secret = options.secret ? new TextEncoder().encode(options.secret) : undefined;
  const publicKey =
    options.publicKey !== undefined
      ? importPublicKey(options.publicKey)
      : options.privateKey !== undefined && !options.jwksUrl
        ? createPublicKey(importPrivateKey(options.privateKey))
        : undefined;
  const jwks = options.jwksUrl
    ? jwksResolver(options.jwksUrl, options.jwksCacheMaxAge ?? DEFAULT_JWKS_CACHE_MAX_AGE, options.jwksCooldown ?? DEFAULT_JWKS_COOLDOWN)
    : undefined;
  const available: JwtAlgorithm[] = [
    ...(secret ? HMAC_ALGORITHMS : []),
    ...(publicKey ? algorithmsOfPublicKey(publicKey) : []),
    ...(jwks ? [...RSA_ALGORITHMS, ...EC_ALGORITHMS] : []),
  ];
  const algorithms = options.algorithms ? available.filter((alg) => options.algorithms!.includes(alg)) : available;
  return {
    algorithms,
    resolve: async (header, token) => {
      if (isHmacAlgorithm(header.alg ?? '')) return secret!;
      if (publicKey) return publicKey;
      return jwks!(header, token);
    },
  };
}

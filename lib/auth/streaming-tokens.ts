import { Inject, Injectable } from '@nestjs/common';
import type { KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import type { ResolvedStreamingOptions } from '../options/resolve-options.js';
import { StreamingOptionsError } from '../options/streaming-options-error.js';
import { STREAMING_OPTIONS } from '../streaming.constants.js';
import type { ServerSubscription, SubscriptionOverride } from './authenticator.interface.js';
import { StreamingTokenError } from './streaming-token-error.js';
import { algorithmsOfPublicKey, HMAC_ALGORITHMS, importPrivateKey, type JwtAlgorithm } from './jwt-algorithms.js';
import { overrideClaim } from './jwt-claims.js';

interface TokenLifetime {
  /** Seconds until the token expires (`exp`). 0: no `exp`, the token never expires. Default 3600. */
  ttl?: number;
  /** `expire_at`: Unix seconds until which the connection or subscription lives, beyond `exp`; 0 never expires. */
  expireAt?: number;
}

/** Claims of a connection token beyond the user (`sub`). */
export interface ConnectionTokenOptions extends TokenLifetime {
  /** Public info sent with the client's publications and presence (`info`). */
  info?: unknown;
  /** Server-only data, in `ClientInfo.meta` (`meta`). */
  meta?: unknown;
  /** In `ClientInfo.roles`; rules and `@RequireRoles` read them (`roles`). */
  roles?: string[];
  /** Server-side subscriptions made on connect (`channels`). */
  channels?: string[];
  /** Server-side subscriptions with their info, data and overrides (`subs`); wins over `channels`. */
  subs?: Record<string, ServerSubscription>;
}

/** Claims of a subscription token beyond user and channel. */
export interface SubscriptionTokenOptions extends TokenLifetime {
  /** Channel info of the client in this channel (`info`). */
  info?: unknown;
  /** `data` of the subscribe reply (`data`). */
  data?: unknown;
  /** Namespace options changed for this subscription (`override`). */
  override?: SubscriptionOverride;
  /** Binds the token to one connection, by its client id (`client`). */
  client?: string;
}

interface SigningKey {
  key: Uint8Array | KeyObject;
  alg: JwtAlgorithm;
  kid?: string;
}

const DEFAULT_TTL = 3600;

/**
 * Mints connection and subscription tokens that this module accepts, with the configured key
 * (`auth.jwt.privateKey`, else `auth.jwt.secret`) and its `audience`/`issuer`: inject it where your
 * app logs users in and serves the SDK's `getToken`.
 */
@Injectable()
export class StreamingTokens {
  private readonly signing?: SigningKey;

  constructor(@Inject(STREAMING_OPTIONS) private readonly options: ResolvedStreamingOptions) {
    this.signing = signingKey(options);
  }

  /**
   * A connection token for `user` ("" for an anonymous one, which connects even with
   * `auth.anonymous` off: the key holder chose it, as in Centrifugo). Bad input rejects with
   * `StreamingTokenError` (a 400 in a controller).
   */
  async connectionToken(user: string, options: ConnectionTokenOptions = {}): Promise<string> {
    checkUser(user);
    if (user === '') {
      // An empty user from a request (`?user=`) would otherwise mint an anonymous member.
      const granted = (['roles', 'channels', 'subs'] as const).filter((key) => options[key] !== undefined);
      if (granted.length > 0) {
        throw new StreamingTokenError(`an anonymous token (user "") cannot carry ${granted.join(', ')}: give the user's id`);
      }
    }
    const claims: Record<string, unknown> = {};
    if (options.info !== undefined) claims.info = options.info;
    if (options.meta !== undefined) claims.meta = options.meta;
    if (options.roles !== undefined) {
      if (!Array.isArray(options.roles) || !options.roles.every((r) => typeof r === 'string')) {
        throw new StreamingTokenError('roles must be an array of strings');
      }
      claims.roles = options.roles;
    }
    if (options.channels !== undefined) claims.channels = options.channels;
    if (options.subs !== undefined) {
      claims.subs = Object.fromEntries(
        Object.entries(options.subs).map(([channel, { info, data, override }]) => [channel, grantClaims({ info, data, override })]),
      );
    }
    return this.sign(user, claims, options);
  }

  /** A subscription token letting `user` subscribe to `channel` where the namespace or rules ask for one. */
  async subscriptionToken(user: string, channel: string, options: SubscriptionTokenOptions = {}): Promise<string> {
    checkUser(user);
    if (typeof channel !== 'string' || channel === '') throw new StreamingTokenError('channel must be a non-empty string');
    const claims: Record<string, unknown> = { channel, ...grantClaims(options) };
    if (options.client !== undefined) claims.client = options.client;
    return this.sign(user, claims, options);
  }

  private sign(user: string, claims: Record<string, unknown>, { ttl = DEFAULT_TTL, expireAt }: TokenLifetime): Promise<string> {
    if (!this.signing) {
      throw new StreamingOptionsError(
        'auth.jwt',
        this.options.auth.jwt
          ? 'has no key to sign with: StreamingTokens needs auth.jwt.secret or auth.jwt.privateKey (a publicKey or jwksUrl only verifies)'
          : 'is not set: StreamingTokens signs with auth.jwt.secret or auth.jwt.privateKey',
      );
    }
    if (typeof ttl !== 'number' || !Number.isFinite(ttl) || ttl < 0) throw new StreamingTokenError(`ttl must be a number of seconds >= 0, got ${ttl}`);
    if (expireAt !== undefined) {
      if (typeof expireAt !== 'number' || !Number.isFinite(expireAt) || expireAt < 0) {
        throw new StreamingTokenError(`expireAt must be Unix seconds >= 0, got ${expireAt}`);
      }
      claims.expire_at = expireAt;
    }
    const { key, alg, kid } = this.signing;
    const now = Math.floor(Date.now() / 1000);
    const jwt = new SignJWT(claims).setProtectedHeader(kid ? { alg, kid } : { alg }).setSubject(user).setIssuedAt(now);
    if (ttl > 0) jwt.setExpirationTime(now + Math.ceil(ttl));
    const { audience, issuer } = this.options.auth.jwt!;
    if (audience) jwt.setAudience(audience);
    if (issuer) jwt.setIssuer(issuer);
    return jwt.sign(key);
  }
}

/** The key and algorithm to sign with: the private key if there is one, else the secret. */
function signingKey(options: ResolvedStreamingOptions): SigningKey | undefined {
  const jwt = options.auth.jwt;
  if (!jwt) return undefined;
  const accepts = (alg: JwtAlgorithm) => !jwt.algorithms || jwt.algorithms.includes(alg);
  if (jwt.privateKey !== undefined) {
    const key = importPrivateKey(jwt.privateKey);
    // Options validation made sure one of them is accepted.
    const alg = algorithmsOfPublicKey(key).find(accepts)!;
    const kid = typeof jwt.privateKey === 'object' && typeof jwt.privateKey.kid === 'string' ? jwt.privateKey.kid : undefined;
    return { key, alg, kid };
  }
  const alg = HMAC_ALGORITHMS.find(accepts);
  if (!jwt.secret || !alg) return undefined;
  return { key: new TextEncoder().encode(jwt.secret), alg };
}

function checkUser(user: string): void {
  if (typeof user !== 'string') throw new StreamingTokenError(`user must be a string ("" for anonymous), got ${user === undefined ? 'undefined' : typeof user}`);
}

/** `info`, `data` and `override`, as a subscription token and a `subs` entry both carry them. */
function grantClaims({ info, data, override }: Pick<SubscriptionTokenOptions, 'info' | 'data' | 'override'>): Record<string, unknown> {
  const claims: Record<string, unknown> = {};
  if (info !== undefined) claims.info = info;
  if (data !== undefined) claims.data = data;
  if (override !== undefined) claims.override = overrideClaim(override);
  return claims;
}

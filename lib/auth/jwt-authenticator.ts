import { Inject, Injectable } from '@nestjs/common';
import { errors, jwtVerify, type JWTPayload } from 'jose';
import type { ResolvedStreamingOptions } from '../options/resolve-options.js';
import { DisconnectCode, ErrorCode } from '../protocol/codes.js';
import { DisconnectError, StreamingError } from '../protocol/protocol-error.js';
import { STREAMING_OPTIONS } from '../streaming.constants.js';
import type {
  Authenticator,
  ConnectCredentials,
  Identity,
  SubscriptionGrant,
} from './authenticator.interface.js';

const HMAC_ALGORITHMS = ['HS256', 'HS384', 'HS512'];

/** Connection and subscription tokens as HMAC-signed JWT, with Centrifugo's claims. */
@Injectable()
export class JwtAuthenticator implements Authenticator {
  private readonly key?: Uint8Array;

  constructor(@Inject(STREAMING_OPTIONS) private readonly options: ResolvedStreamingOptions) {
    const secret = options.auth.jwt?.secret;
    if (secret) this.key = new TextEncoder().encode(secret);
  }

  async authenticate(credentials: ConnectCredentials): Promise<Identity> {
    if (!credentials.token) {
      if (this.options.auth.anonymous) return { user: '' };
      throw StreamingError.of(ErrorCode.Unauthorized, 'a connection token is required');
    }
    return this.identityOf(await this.verify(credentials.token));
  }

  async refresh(token: string, current: Identity): Promise<Identity> {
    const identity = this.identityOf(await this.verify(token));
    if (identity.user !== current.user) {
      throw DisconnectError.of(DisconnectCode.InvalidToken, 'refresh token names another user');
    }
    return identity;
  }

  async authorizeSubscription(token: string, channel: string, identity: Identity): Promise<SubscriptionGrant> {
    const claims = await this.verify(token);
    if ((claims.sub ?? '') !== identity.user || claims.channel !== channel) {
      throw StreamingError.of(ErrorCode.PermissionDenied, 'subscription token is for another user or channel');
    }
    return { info: claims.info, expireAt: this.expireAtOf(claims) };
  }

  private async verify(token: string): Promise<JWTPayload & Record<string, unknown>> {
    if (!this.key) throw DisconnectError.of(DisconnectCode.InvalidToken, 'tokens are not enabled (auth.jwt)');
    const jwt = this.options.auth.jwt!;
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: jwt.algorithms ?? HMAC_ALGORITHMS,
        audience: jwt.audience,
        issuer: jwt.issuer,
      });
      return payload;
    } catch (err) {
      if (err instanceof errors.JWTExpired) throw new StreamingError(ErrorCode.TokenExpired);
      const detail = err instanceof Error ? err.message : String(err);
      throw DisconnectError.of(DisconnectCode.InvalidToken, detail);
    }
  }

  private identityOf(claims: JWTPayload & Record<string, unknown>): Identity {
    if (claims.sub !== undefined && typeof claims.sub !== 'string') {
      throw DisconnectError.of(DisconnectCode.InvalidToken, 'sub claim must be a string');
    }
    const roles = claims.roles;
    if (roles !== undefined && !(Array.isArray(roles) && roles.every((r) => typeof r === 'string'))) {
      throw DisconnectError.of(DisconnectCode.InvalidToken, 'roles claim must be an array of strings');
    }
    return {
      user: claims.sub ?? '',
      info: claims.info,
      meta: claims.meta,
      roles: roles as string[] | undefined,
      expireAt: this.expireAtOf(claims),
    };
  }

  /** `expire_at` overrides `exp` for the connection's lifetime; 0 means it never expires. */
  private expireAtOf(claims: JWTPayload & Record<string, unknown>): number | undefined {
    const expireAt = claims.expire_at;
    if (typeof expireAt === 'number') return expireAt > 0 ? expireAt : undefined;
    return claims.exp;
  }
}

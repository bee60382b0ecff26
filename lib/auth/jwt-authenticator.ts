import { Inject, Injectable, Logger } from '@nestjs/common';
import { errors, jwtVerify } from 'jose';
import { LogSummarizer } from '../logging/log-summarizer.js';
import type { ResolvedStreamingOptions } from '../options/resolve-options.js';
import { DisconnectCode, ErrorCode } from '../protocol/codes.js';
import { DisconnectError, StreamingError } from '../protocol/protocol-error.js';
import { STREAMING_OPTIONS } from '../streaming.constants.js';
import { ANONYMOUS_IDENTITY, type Authenticator, type ConnectCredentials, type Identity, type SubscriptionGrant } from './authenticator.interface.js';
import { connectionIdentity, InvalidClaimError, subscriptionClaims, type Claims } from './jwt-claims.js';
import { createJwtKeys, JwksUnavailableError, type JwtKeys } from './jwt-keys.js';

/** How a failed check is answered; it differs per command, as in Centrifugo. */
interface Refusal {
  expired(): Error;
  invalid(detail: string): Error;
}

const invalidToken = (detail: string) => DisconnectError.of(DisconnectCode.InvalidToken, detail);

const ON_CONNECT: Refusal = {
  // 109 makes the SDK call getToken and connect again.
  expired: () => new StreamingError(ErrorCode.TokenExpired),
  invalid: invalidToken,
};
const ON_REFRESH: Refusal = {
  // The SDK reconnects after 3005, and gets a new token on the 109 that follows.
  expired: () => DisconnectError.of(DisconnectCode.Expired, 'refresh token expired'),
  invalid: invalidToken,
};
const ON_SUB_REFRESH: Refusal = {
  expired: () => StreamingError.of(ErrorCode.Expired, 'subscription token expired'),
  invalid: invalidToken,
};

/**
 * Connection and subscription tokens as JWT with Centrifugo's claims: HMAC with `secret`, RSA or
 * EC with `publicKey`, or keys from `jwksUrl`.
 */
@Injectable()
export class JwtAuthenticator implements Authenticator {
  /** Every client's token can bring a line here: one per cause and second under a flood. */
  private readonly log = new LogSummarizer(new Logger('Streaming'));
  private readonly keys?: JwtKeys;
  private readonly onSubscribe: Refusal;

  constructor(@Inject(STREAMING_OPTIONS) private readonly options: ResolvedStreamingOptions) {
    if (options.auth.jwt) this.keys = createJwtKeys(options.auth.jwt);
    this.onSubscribe = {
      expired: () => new StreamingError(ErrorCode.TokenExpired),
      // A bad subscription token is a refused subscription, not a closed connection (Centrifugo).
      invalid: (detail) => {
        this.log.report('debug', 'subscription token refused', `subscription token refused: ${detail}`);
        return new StreamingError(ErrorCode.PermissionDenied);
      },
    };
  }

  async authenticate(credentials: ConnectCredentials): Promise<Identity> {
    if (!credentials.token) {
      if (this.options.auth.anonymous) return ANONYMOUS_IDENTITY;
      throw StreamingError.of(ErrorCode.Unauthorized, 'a connection token is required');
    }
    const claims = await this.verify(credentials.token, ON_CONNECT);
    return this.parse(() => connectionIdentity(claims), ON_CONNECT);
  }

  async refresh(token: string, current: Identity): Promise<Identity> {
    const claims = await this.verify(token, ON_REFRESH);
    const identity = this.parse(() => connectionIdentity(claims), ON_REFRESH);
    if (identity.user !== current.user) throw invalidToken('refresh token names another user');
    return identity;
  }

  authorizeSubscription(token: string, channel: string, identity: Identity): Promise<SubscriptionGrant> {
    return this.grant(token, channel, identity, this.onSubscribe);
  }

  refreshSubscription(token: string, channel: string, identity: Identity): Promise<SubscriptionGrant> {
    return this.grant(token, channel, identity, ON_SUB_REFRESH);
  }

  private async grant(token: string, channel: string, identity: Identity, refusal: Refusal): Promise<SubscriptionGrant> {
    const claims = await this.verify(token, refusal);
    const parsed = this.parse(() => subscriptionClaims(claims), refusal);
    // A valid token for another user or channel is a forgery attempt: close (Centrifugo does too).
    if (parsed.channel !== channel) throw invalidToken(`subscription token is for channel ${parsed.channel}, not ${channel}`);
    if (parsed.user !== identity.user) throw invalidToken(`subscription token is for user "${parsed.user}"`);
    return parsed.grant;
  }

  private parse<T>(read: () => T, refusal: Refusal): T {
    try {
      return read();
    } catch (err) {
      if (err instanceof InvalidClaimError) throw refusal.invalid(err.message);
      throw err;
    }
  }

  private async verify(token: string, refusal: Refusal): Promise<Claims> {
    if (!this.keys) throw refusal.invalid('tokens are not enabled (auth.jwt)');
    const jwt = this.options.auth.jwt!;
    try {
      const { payload } = await jwtVerify(token, this.keys.resolve, {
        algorithms: this.keys.algorithms,
        audience: jwt.audience,
        issuer: jwt.issuer,
      });
      return payload;
    } catch (err) {
      if (err instanceof errors.JWTExpired) throw refusal.expired();
      // Not valid yet counts as expired, as in Centrifugo: a new token may be valid.
      if (err instanceof errors.JWTClaimValidationFailed && err.claim === 'nbf') throw refusal.expired();
      if (err instanceof JwksUnavailableError) {
        this.log.report('error', 'jwks unavailable', `cannot verify a token: ${err.message}`);
        throw StreamingError.of(ErrorCode.Internal, 'token keys unavailable');
      }
      throw refusal.invalid(err instanceof Error ? err.message : String(err));
    }
  }
}

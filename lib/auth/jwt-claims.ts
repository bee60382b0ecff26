import type { JWTPayload } from 'jose';
import type { Identity, ServerSubscription, SubscriptionGrant, SubscriptionOverride } from './authenticator.interface.js';

export type Claims = JWTPayload & Record<string, unknown>;

/** A claim of a correctly signed token has the wrong shape: the token is invalid. */
export class InvalidClaimError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidClaimError';
  }
}

/** Override keys of a `subs` claim entry (Centrifugo's names) and the namespace options they set. */
const OVERRIDES = {
  presence: 'presence',
  join_leave: 'joinLeave',
  force_push_join_leave: 'forcePushJoinLeave',
  force_recovery: 'forceRecovery',
  force_positioning: 'forcePositioning',
} as const;

/** The `override` claim that gives `override`: what a token minted with it carries. */
export function overrideClaim(override: SubscriptionOverride): Record<string, { value: boolean }> {
  const claim: Record<string, { value: boolean }> = {};
  for (const [key, option] of Object.entries(OVERRIDES)) {
    const value = override[option];
    if (value !== undefined) claim[key] = { value };
  }
  return claim;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `b64info`/`b64data` carry bytes; over the JSON protocol those bytes must be JSON. */
function decodeBase64Json(value: unknown, claim: string): unknown {
  if (typeof value !== 'string' || !BASE64.test(value)) throw new InvalidClaimError(`${claim} claim must be standard base64`);
  try {
    return JSON.parse(Buffer.from(value, 'base64').toString('utf8'));
  } catch {
    throw new InvalidClaimError(`${claim} claim must be base64 of JSON`);
  }
}

/** `b64x` wins over `x` when non-empty, as in Centrifugo. */
function jsonOrBase64(source: Record<string, unknown>, name: string, prefix = ''): unknown {
  const encoded = source[`b64${name}`];
  if (encoded !== undefined && encoded !== '') return decodeBase64Json(encoded, `${prefix}b64${name}`);
  return source[name];
}

/** `expire_at` overrides `exp`; 0 (or less) means never expire. */
function expireAtOf(claims: Claims): number | undefined {
  const expireAt = claims.expire_at;
  if (expireAt === undefined) return claims.exp;
  if (typeof expireAt !== 'number' || !Number.isFinite(expireAt)) throw new InvalidClaimError('expire_at claim must be a number');
  return expireAt > 0 ? expireAt : undefined;
}

/** `override` of a subscription: Centrifugo's `{"presence": {"value": true}, ...}`, unknown keys ignored. */
function subscriptionOverride(value: unknown, prefix: string): SubscriptionOverride {
  if (!isRecord(value)) throw new InvalidClaimError(`${prefix}override claim must be an object`);
  const override: SubscriptionOverride = {};
  for (const [key, entry] of Object.entries(value)) {
    const option = OVERRIDES[key as keyof typeof OVERRIDES];
    if (!option) continue;
    if (!isRecord(entry) || typeof entry.value !== 'boolean') {
      throw new InvalidClaimError(`${prefix}override.${key} claim must be {"value": boolean}`);
    }
    override[option] = entry.value;
  }
  return override;
}

/** `info`/`b64info`, `data`/`b64data` and `override`, as a `subs` entry and a subscription token both have them. */
function subscriptionExtras(source: Record<string, unknown>, prefix: string): ServerSubscription {
  const extras: ServerSubscription = {};
  const info = jsonOrBase64(source, 'info', prefix);
  if (info !== undefined) extras.info = info;
  const data = jsonOrBase64(source, 'data', prefix);
  if (data !== undefined) extras.data = data;
  if (source.override !== undefined) extras.override = subscriptionOverride(source.override, prefix);
  return extras;
}

function serverSubscription(channel: string, entry: unknown): ServerSubscription {
  if (!isRecord(entry)) throw new InvalidClaimError(`subs claim entry ${channel} must be an object`);
  return subscriptionExtras(entry, `subs.${channel}.`);
}

/** Server-side subscriptions: `subs` when not empty, else `channels`. */
function serverSubscriptions(claims: Claims): Record<string, ServerSubscription> | undefined {
  const { subs, channels } = claims;
  if (subs !== undefined && !isRecord(subs)) throw new InvalidClaimError('subs claim must be an object');
  if (subs && Object.keys(subs).length > 0) {
    return Object.fromEntries(Object.entries(subs).map(([channel, entry]) => [channel, serverSubscription(channel, entry)]));
  }
  if (channels === undefined) return undefined;
  if (!Array.isArray(channels) || !channels.every((c) => typeof c === 'string' && c !== '')) {
    throw new InvalidClaimError('channels claim must be an array of channel names');
  }
  return channels.length > 0 ? Object.fromEntries(channels.map((channel) => [channel, {}])) : undefined;
}

/** The identity a connection token gives. */
export function connectionIdentity(claims: Claims): Identity {
  if (claims.sub !== undefined && typeof claims.sub !== 'string') throw new InvalidClaimError('sub claim must be a string');
  // A subscription token must not pass for a connection token (Centrifugo refuses `channel` here).
  if (claims.channel !== undefined) throw new InvalidClaimError('a connection token cannot have a channel claim');
  const roles = claims.roles;
  if (roles !== undefined && !(Array.isArray(roles) && roles.every((r) => typeof r === 'string'))) {
    throw new InvalidClaimError('roles claim must be an array of strings');
  }
  const identity: Identity = { user: claims.sub ?? '' };
  const info = jsonOrBase64(claims, 'info');
  if (info !== undefined) identity.info = info;
  if (claims.meta !== undefined) identity.meta = claims.meta;
  if (roles !== undefined) identity.roles = roles as string[];
  const expireAt = expireAtOf(claims);
  if (expireAt !== undefined) identity.expireAt = expireAt;
  const subscriptions = serverSubscriptions(claims);
  if (subscriptions) identity.subscriptions = subscriptions;
  return identity;
}

/** What a subscription token grants, with the user and channel it names. */
export function subscriptionClaims(claims: Claims): { user: string; channel: string; grant: SubscriptionGrant } {
  if (typeof claims.channel !== 'string' || claims.channel === '') {
    throw new InvalidClaimError('channel claim is required in a subscription token');
  }
  if (claims.sub !== undefined && typeof claims.sub !== 'string') throw new InvalidClaimError('sub claim must be a string');
  if (claims.client !== undefined && typeof claims.client !== 'string') throw new InvalidClaimError('client claim must be a string');
  const grant: SubscriptionGrant = subscriptionExtras(claims, '');
  if (claims.client) grant.client = claims.client;
  const expireAt = expireAtOf(claims);
  if (expireAt !== undefined) grant.expireAt = expireAt;
  return { user: claims.sub ?? '', channel: claims.channel, grant };
}

import type { ServerSubscription, SubscriptionOverride } from '../auth/authenticator.interface.js';
import type { SubscribeResult } from '../protocol/frames.js';
import type { ResolvedChannel } from './channel-resolver.js';
import type { ExpiryTimer } from './expiry-timer.js';
import type { SubscriptionBuffer } from './subscription-buffer.js';

/** One channel a session is subscribed to (or is subscribing to, while its buffer is not live). */
export interface Subscription {
  channel: string;
  resolved: ResolvedChannel;
  chanInfo?: unknown;
  /** Join/leave pushes were asked for (or forced by the namespace). */
  joinLeave: boolean;
  buffer: SubscriptionBuffer;
  /** Made by the server, from the identity's `subscriptions` (token) or by `StreamingManager.subscribe` (api). */
  serverSide?: 'token' | 'api';
  /** Unix seconds when the subscription token runs out; `sub_refresh` moves it. */
  expireAt?: number;
  expiry?: ExpiryTimer;
  /**
   * Set when delta compression was granted: `held` names the publication whose data the client
   * holds (its base), undefined until the first live one reaches it in full.
   */
  delta?: { held?: number };
  /**
   * Of a positioned subscription: the offset of the last publication the client has (from its
   * subscribe reply or live). A publication at or below it is one the client already has, as
   * Centrifuge's client checks: the node can hand over an older one late (the stream follower's
   * gap fill, or a publication whose message was on the way) after a recovery read past it.
   */
  offset?: number;
}

/** A server-side subscription to make, its channel resolved (with the identity's overrides). */
export interface ServerSideEntry {
  channel: string;
  resolved: ResolvedChannel;
  opts: ServerSubscription;
}

export type Subscribed = { sub: Subscription; result: SubscribeResult };

/** The namespace's options with a token's per-subscription override; only booleans count. */
export function withOverride(resolved: ResolvedChannel, override: SubscriptionOverride | undefined): ResolvedChannel {
  if (!override) return resolved;
  const changed = Object.fromEntries(Object.entries(override).filter(([, value]) => typeof value === 'boolean'));
  return { ...resolved, options: { ...resolved.options, ...changed } };
}

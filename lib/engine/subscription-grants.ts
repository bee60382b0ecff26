import type { SubscriptionGrant } from '../auth/authenticator.interface.js';
import { DisconnectCode, ErrorCode } from '../protocol/codes.js';
import { DisconnectError, StreamingError } from '../protocol/protocol-error.js';
import { ExpiryTimer, ttlUntil } from './expiry-timer.js';
import type { SessionCore } from './session-core.js';
import type { Subscription } from './subscription.js';

/** Checks a subscription token; what it grants must not be expired already (110, as Centrifugo). */
export async function subscriptionGrant(
  core: SessionCore,
  token: string,
  channel: string,
  command: 'subscribe' | 'sub_refresh',
): Promise<SubscriptionGrant> {
  const authenticator = core.node.authenticator;
  const check =
    command === 'subscribe' ? authenticator.authorizeSubscription : (authenticator.refreshSubscription ?? authenticator.authorizeSubscription);
  if (!check) {
    const code = command === 'subscribe' ? ErrorCode.PermissionDenied : ErrorCode.NotAvailable;
    throw StreamingError.of(code, 'subscription tokens are not accepted');
  }
  const grant = await check.call(authenticator, token, channel, core.identity);
  if (grant.client !== undefined && grant.client !== core.id) {
    throw DisconnectError.of(DisconnectCode.InvalidToken, 'subscription token of another connection');
  }
  if (grant.expireAt !== undefined && ttlUntil(grant.expireAt) <= 0) {
    throw StreamingError.of(ErrorCode.Expired, 'subscription expiry is not in the future');
  }
  return grant;
}

/**
 * (Re)arms the subscription's expiry and puts `expires`/`ttl` into the subscribe or sub_refresh
 * result; `expire` runs on the command chain, so it cannot interleave with a sub_refresh of the channel.
 */
export function armSubscriptionExpiry(
  core: SessionCore,
  sub: Subscription,
  result: { expires?: boolean; ttl?: number },
  expire: (sub: Subscription) => Promise<void>,
): void {
  sub.expiry?.clear();
  if (sub.expireAt === undefined) return;
  sub.expiry ??= new ExpiryTimer();
  sub.expiry.arm(sub.expireAt, core.node.options.auth.expiredSubCloseDelay, () => core.enqueue(() => expire(sub)));
  result.expires = true;
  result.ttl = Math.max(0, ttlUntil(sub.expireAt));
}

import type { SubscriptionGrant } from '../auth/authenticator.interface.js';
import { fullDeltaForm, isDeltaType } from '../delivery/delta-publication.js';
import type { ResolvedNamespaceOptions } from '../options/namespace-options.js';
import { Permission } from '../permissions/permission.enum.js';
import { DisconnectCode, ErrorCode, UnsubscribeCode } from '../protocol/codes.js';
import type { SubRefreshRequest, SubscribeRequest, SubscribeResult } from '../protocol/frames.js';
import { DisconnectError, StreamingError } from '../protocol/protocol-error.js';
import type { CommandOutcome } from './command-outcome.js';
import type { SessionCore } from './session-core.js';
import { goLive, subscribeResult } from './subscribe-result.js';
import { SubscriptionBuffer } from './subscription-buffer.js';
import { armSubscriptionExpiry, subscriptionGrant } from './subscription-grants.js';
import { withOverride, type Subscription } from './subscription.js';

/** The client's own subscriptions: subscribe, unsubscribe, sub_refresh, expiry, and going live after the reply. */
export class SessionSubscriptions {
  constructor(private readonly core: SessionCore) {}

  async subscribe(req: SubscribeRequest): Promise<CommandOutcome> {
    const { core } = this;
    const { node } = core;
    const { channel } = req;
    const namespace = node.resolver.resolve(channel);
    // As Centrifugo: a delta type no server knows is a broken client; one this namespace does not allow is simply not granted.
    if (req.delta && !isDeltaType(req.delta)) throw DisconnectError.of(DisconnectCode.BadRequest, `unknown delta type ${JSON.stringify(req.delta)}`);
    if (core.subs.has(channel)) throw new StreamingError(ErrorCode.AlreadySubscribed);
    this.checkChannelCount();
    let chanInfo: unknown;
    let grant: SubscriptionGrant | undefined;
    if (req.token) {
      grant = await subscriptionGrant(core, req.token, channel, 'subscribe');
      chanInfo = grant.info;
    }
    const resolved = withOverride(namespace, grant?.override);
    const ns = resolved.options;
    const token = grant !== undefined;
    await node.authorize(core.identity, channel, Permission.Subscribe, { subscribed: false, token });
    this.checkChannelRoom(channel, ns);
    const hook = await node.hooks.onSubscribe({ client: core.info, channel, data: req.data, subscriptionToken: token });
    if (hook?.info !== undefined) chanInfo = hook.info;
    if (core.state !== 'connected') return {};
    if (core.subs.has(channel)) throw new StreamingError(ErrorCode.AlreadySubscribed);
    // Again after the await: from here to the hub's count nothing awaits, so concurrent subscribers cannot overshoot.
    this.checkChannelRoom(channel, ns);

    const joinLeavePermitted = (node.permissions.permissionsFor(core.identity, channel, { token }) & Permission.JoinLeave) !== 0;
    const sub: Subscription = {
      channel,
      resolved,
      chanInfo,
      joinLeave: ns.joinLeave && (ns.forcePushJoinLeave || req.join_leave === true) && joinLeavePermitted,
      buffer: new SubscriptionBuffer(),
      expireAt: grant?.expireAt,
      delta: req.delta && (ns.allowedDeltaTypes as string[]).includes(req.delta) ? {} : undefined,
    };
    core.subs.add(sub);
    let result: SubscribeResult;
    try {
      await node.addSubscription(channel, core.session);
      result = await subscribeResult(node, req, sub);
      const data = hook?.data ?? grant?.data;
      if (data !== undefined) result.data = data;
      if (sub.delta) {
        result.delta = true;
        if (result.publications) result.publications = result.publications.map((pub) => fullDeltaForm(pub, core.codec));
      }
      this.armExpiry(sub, result);
      if (ns.presence) await node.addPresence(channel, core.wireInfo(chanInfo));
    } catch (err) {
      await this.remove(channel);
      throw err;
    }
    if (core.state !== 'connected') return {};
    return {
      result,
      afterReply: async () => {
        this.deliverPending(sub, result);
        node.lifecycle.subscribed(core.session, channel, false);
        if (ns.joinLeave) await node.publishJoin(channel, core.wireInfo(chanInfo));
      },
    };
  }

  async unsubscribe(channel: string): Promise<CommandOutcome> {
    await this.remove(channel);
    return { result: {} };
  }

  /** The server removes a subscription (StreamingManager.unsubscribe): the client stays unsubscribed. */
  async serverUnsubscribe(channel: string): Promise<void> {
    if (!this.core.subs.has(channel) || this.core.state !== 'connected') return;
    await this.remove(channel);
    this.core.push({ channel, unsubscribe: { code: 2000, reason: 'server unsubscribe' } }, 'high');
  }

  async subRefresh(req: SubRefreshRequest): Promise<CommandOutcome> {
    const { core } = this;
    const sub = core.subs.get(req.channel);
    if (!sub || !sub.buffer.live) throw StreamingError.of(ErrorCode.PermissionDenied, 'not subscribed');
    if (sub.serverSide) throw DisconnectError.of(DisconnectCode.BadRequest, 'sub_refresh of a server-side subscription');
    const grant = await subscriptionGrant(core, req.token, req.channel, 'sub_refresh');
    if (core.subs.get(req.channel) !== sub) throw StreamingError.of(ErrorCode.PermissionDenied, 'not subscribed');
    if (grant.info !== undefined) sub.chanInfo = grant.info;
    sub.expireAt = grant.expireAt;
    const result: { expires?: boolean; ttl?: number } = {};
    this.armExpiry(sub, result);
    return { result };
  }

  armExpiry(sub: Subscription, result: { expires?: boolean; ttl?: number }): void {
    armSubscriptionExpiry(this.core, sub, result, (expired) => this.expire(expired));
  }

  /** Pushes what arrived while subscribing; from now on publications go straight to the queue. */
  deliverPending(sub: Subscription, result: SubscribeResult): void {
    const { codec } = this.core;
    for (const pub of goLive(sub, result)) this.core.push({ channel: sub.channel, pub: sub.delta ? fullDeltaForm(pub, codec) : pub });
  }

  /** Per-connection channel limit (`maxChannelsPerConnection`); 106 when reached. */
  checkChannelCount(): void {
    const { maxChannelsPerConnection } = this.core.node.options.limits;
    if (maxChannelsPerConnection > 0 && this.core.subs.size >= maxChannelsPerConnection) {
      throw StreamingError.of(ErrorCode.LimitExceeded, `already in ${maxChannelsPerConnection} channels`);
    }
  }

  /** Leaves the channel: hub, presence, leave push, `@OnUnsubscribe`. */
  async remove(channel: string): Promise<void> {
    const { core } = this;
    const { node } = core;
    const sub = core.subs.get(channel);
    if (!sub) return;
    core.subs.delete(channel);
    sub.expiry?.clear();
    const ns = sub.resolved.options;
    const wasLive = sub.buffer.live;
    await node.removeSubscription(channel, core.session);
    if (ns.presence) await node.removePresence(channel, core.wireInfo(sub.chanInfo));
    if (wasLive) node.lifecycle.unsubscribed(core.session, channel);
    if (ns.joinLeave && wasLive) await node.publishLeave(channel, core.wireInfo(sub.chanInfo));
    await node.hooks.onUnsubscribe({ client: core.info, channel });
  }

  /** Not refreshed in time: unsubscribe push 2501, on which the SDK subscribes again with a new token (Centrifugo). */
  private async expire(sub: Subscription): Promise<void> {
    const { core } = this;
    if (core.isClosed() || core.subs.get(sub.channel) !== sub) return;
    if (sub.expireAt === undefined || Date.now() / 1000 < sub.expireAt + core.node.options.auth.expiredSubCloseDelay) return;
    core.node.log.report('verbose', 'subscription expired', `subscription to ${sub.channel} expired`, core.describe());
    await this.remove(sub.channel);
    core.push({ channel: sub.channel, unsubscribe: { code: UnsubscribeCode.Expired, reason: 'subscription expired' } }, 'high');
  }

  /** Room in the channel (`maxSubscribers`, `maxSubscribersPerUser`) and on the node (`maxChannels`); 106 when full. */
  private checkChannelRoom(channel: string, ns: ResolvedNamespaceOptions): void {
    const { node, user } = this.core;
    const { hub } = node;
    const maxSubscribers = node.permissions.maxSubscribers(channel);
    if (maxSubscribers > 0 && hub.localSubscribers(channel) >= maxSubscribers) {
      throw StreamingError.of(ErrorCode.LimitExceeded, `channel has ${maxSubscribers} subscribers already`);
    }
    const perUser = ns.maxSubscribersPerUser;
    if (perUser > 0 && user !== '' && hub.userSubscribers(channel, user) >= perUser) {
      throw StreamingError.of(ErrorCode.LimitExceeded, `user has ${perUser} connections in the channel already`);
    }
    const { maxChannels } = node.options.limits;
    if (maxChannels > 0 && hub.localSubscribers(channel) === 0 && hub.numChannels >= maxChannels) {
      throw StreamingError.of(ErrorCode.LimitExceeded, `node tracks ${maxChannels} channels already`);
    }
  }
}

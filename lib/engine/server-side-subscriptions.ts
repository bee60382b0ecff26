import type { ServerSubscription } from '../auth/authenticator.interface.js';
import type { ServerSubscribeRequest } from '../broker/broker.interface.js';
import { DisconnectCode } from '../protocol/codes.js';
import type { ConnectRequest, SubscribeRequest } from '../protocol/frames.js';
import { DisconnectError } from '../protocol/protocol-error.js';
import type { SessionCore } from './session-core.js';
import type { SessionSubscriptions } from './session-subscriptions.js';
import { subscribeResult } from './subscribe-result.js';
import { SubscriptionBuffer } from './subscription-buffer.js';
import { withOverride, type ServerSideEntry, type Subscribed, type Subscription } from './subscription.js';

/**
 * Subscriptions the server makes: from the identity's `subscriptions` at connect (no permission
 * checks, the token grants them) and from `StreamingManager.subscribe` (a `subscribe` push).
 */
export class ServerSideSubscriptions {
  constructor(
    private readonly core: SessionCore,
    private readonly subscriptions: SessionSubscriptions,
  ) {}

  /** Resolves the identity's server-side channels; throws for unknown or invalid channel names. */
  entries(subs: Record<string, ServerSubscription> = {}): ServerSideEntry[] {
    return Object.entries(subs).map(([channel, opts]) => {
      return { channel, opts, resolved: withOverride(this.core.node.resolver.resolve(channel), opts.override) };
    });
  }

  /** Whether a refreshed identity names other server-side channels than those subscribed. */
  changed(subs: Record<string, ServerSubscription> = {}): boolean {
    const current = this.core.subs.list().filter((sub) => sub.serverSide === 'token').map((sub) => sub.channel);
    return current.length !== Object.keys(subs).length || current.some((channel) => !Object.hasOwn(subs, channel));
  }

  /** `StreamingManager.subscribe`: a `subscribe` push, then recovered publications as pushes. */
  async fromServer(req: ServerSubscribeRequest): Promise<void> {
    const { core } = this;
    const { channel } = req;
    if (core.isClosed() || core.subs.has(channel)) return;
    const { maxChannelsPerConnection } = core.node.options.limits;
    if (maxChannelsPerConnection > 0 && core.subs.size >= maxChannelsPerConnection) {
      core.node.log.report('debug', 'server subscribe over channel limit', `not subscribed to ${channel} by the server, already in ${maxChannelsPerConnection} channels`, core.describe());
      return;
    }
    const entry = { channel, resolved: core.node.resolver.resolve(channel), opts: { info: req.info, data: req.data } };
    const since = req.recoverSince;
    const recovery = since ? { [channel]: { channel, recover: true, offset: since.offset, epoch: since.epoch } } : undefined;
    const subscribed = await this.subscribe([entry], recovery, 'api');
    if (core.isClosed() || subscribed.length === 0) return;
    const { sub, result } = subscribed[0]!;
    sub.expireAt = req.expireAt;
    this.subscriptions.armExpiry(sub, result);
    // The SDK reads no publications from a subscribe push: recovered ones follow it as pushes.
    const { publications = [], ...announced } = result;
    core.push({ channel, subscribe: announced });
    for (const pub of publications) core.push({ channel, pub });
    await this.goLive(subscribed);
  }

  /**
   * Subscribes to server-side channels, recovering from the connect request's `subs`.
   * Publications are buffered until `goLive`, after the reply.
   */
  async subscribe(list: ServerSideEntry[], recovery: ConnectRequest['subs'], source: 'token' | 'api' = 'token'): Promise<Subscribed[]> {
    const { core } = this;
    const subscribed: Subscribed[] = [];
    try {
      for (const { channel, resolved, opts } of list) {
        const ns = resolved.options;
        const joinLeave = ns.joinLeave && ns.forcePushJoinLeave;
        const buffer = new SubscriptionBuffer();
        const sub: Subscription = { channel, resolved, chanInfo: opts.info, joinLeave, buffer, serverSide: source };
        core.subs.add(sub);
        await core.node.addSubscription(channel, core.session);
        const asked = recovery?.[channel];
        const req: SubscribeRequest = { channel, recover: asked?.recover, epoch: asked?.epoch, offset: asked?.offset };
        const result = await subscribeResult(core.node, req, sub);
        if (opts.data !== undefined) result.data = opts.data;
        if (core.isClosed()) return [];
        if (ns.presence) await core.node.addPresence(channel, core.wireInfo(sub.chanInfo));
        subscribed.push({ sub, result });
      }
    } catch (err) {
      // Reached after the connection was accepted: close it (its subscriptions go with it), the SDK reconnects.
      const detail = err instanceof Error ? err.message : String(err);
      throw DisconnectError.of(DisconnectCode.ServerError, `server-side subscriptions failed: ${detail}`);
    }
    return subscribed;
  }

  async goLive(subscribed: Subscribed[]): Promise<void> {
    const { core } = this;
    for (const { sub, result } of subscribed) {
      this.subscriptions.deliverPending(sub, result);
      core.node.lifecycle.subscribed(core.session, sub.channel, true);
    }
    for (const { sub } of subscribed) {
      if (!sub.resolved.options.joinLeave) continue;
      await core.node
        .publishJoin(sub.channel, core.wireInfo(sub.chanInfo))
        .catch((err: unknown) => core.node.logger.warn(`join of ${core.describe()} in ${sub.channel} not published: ${String(err)}`));
    }
  }
}

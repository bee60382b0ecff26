import type { Logger } from '@nestjs/common';
import type { BrokerEvents, ControlMessage, NodeAnnouncement } from '../broker/broker.interface.js';
import { DisconnectCode } from '../protocol/codes.js';
import { EncodedPush } from '../protocol/encoded-push.js';
import type { Publication, StreamPosition, WireClientInfo } from '../protocol/frames.js';
import type { HistoryStore } from '../history/history-store.interface.js';
import { historyEnabled, type ResolvedNamespaceOptions } from '../options/namespace-options.js';
import { DeltaBases } from '../delivery/delta-bases.js';
import type { FlushScheduler } from '../delivery/flush-scheduler.js';
import type { EngineMeter } from './engine-meter.js';
import type { EngineSession } from './engine-session.interface.js';
import type { Hub } from './hub.js';
import { StreamFollower } from './stream-follower.js';
import type { NodeRegistry } from './node-registry.js';

/**
 * What comes back from the broker, handed to this node's sessions: publications and join/leave
 * encoded once per codec and the same bytes queued to every subscriber speaking it (ephemeral
 * publications at low priority); control messages onto each
 * addressed session's command chain. In channels whose namespace allows delta compression each
 * publication is also kept as the base of the next one's delta. Publications with a position go
 * through the `StreamFollower`, which fills gaps from history before delivering.
 */
export class BrokerListener implements BrokerEvents {
  private readonly deltaBases = new DeltaBases((channel, codec, err) =>
    this.logger.error(`publication to ${channel} cannot be encoded as ${codec.name} for delta subscribers, dropped: ${String(err)}`),
  );
  private readonly follower = new StreamFollower({
    read: (channel, since) => this.history.read(channel, { since, limit: -1, metaTtl: this.namespace(channel).historyMetaTtl }),
    deliver: (channel, publication) => this.deliver(channel, publication, false),
    lost: (channel, reason) => this.lost(channel, reason),
  });

  constructor(
    private readonly hub: Hub<EngineSession>,
    private readonly logger: Logger,
    /** `limits.maxJoinLeaveSubscribers`. */
    private readonly maxJoinLeaveSubscribers: number,
    private readonly meter: EngineMeter,
    private readonly scheduler: FlushScheduler,
    /** The options of the channel's namespace. */
    private readonly namespace: (channel: string) => ResolvedNamespaceOptions,
    private readonly nodes: NodeRegistry,
    private readonly history: HistoryStore,
  ) {}

  onNode(announcement: NodeAnnouncement): void {
    this.nodes.heard(announcement);
  }

  onPublication(channel: string, publication: Publication, position?: StreamPosition, ephemeral?: boolean): void {
    if (!this.hub.subscribers(channel)) return;
    if (position && !ephemeral) this.follower.publication(channel, publication, position);
    else this.deliver(channel, publication, ephemeral);
  }

  /**
   * The node's first subscriber of the channel arrived: with history, its stream's top now is where
   * the follower starts, so a gap before the next publication is noticed too. Not awaited by the
   * subscriber; a top that cannot be read leaves the channel to `onGap`'s fallback.
   */
  channelOccupied(channel: string): void {
    const ns = this.namespace(channel);
    if (!historyEnabled(ns)) return;
    this.history.position(channel, ns.historyMetaTtl).then(
      (top) => {
        if (this.hub.subscribers(channel)) this.follower.follow(channel, top);
      },
      () => {},
    );
  }

  private deliver(channel: string, publication: Publication, ephemeral?: boolean): void {
    const subscribers = this.hub.subscribers(channel);
    if (!subscribers) return;
    const started = performance.now();
    const encoded = new EncodedPush({ channel, pub: publication }, (codec, err) =>
      this.logger.error(`publication to ${channel} cannot be encoded as ${codec.name}, dropped: ${String(err)}`),
    );
    const priority = ephemeral ? 'low' : 'normal';
    const delta = this.namespace(channel).allowedDeltaTypes.length > 0 ? this.deltaBases.next(channel, publication) : undefined;
    for (const session of subscribers) session.deliverPublication(channel, publication, encoded, priority, delta);
    if (!this.meter.active) return;
    this.meter.delivered(channel, subscribers.size);
    this.scheduler.afterFlush(() => this.meter.sent((performance.now() - started) / 1000));
  }

  /**
   * The broker may have lost messages: each channel with history reads what it missed and delivers
   * it; one the node does not follow yet (its top could not be read) has its subscribers recover.
   * Channels without history have nothing to recover from, as in Centrifugo.
   */
  onGap(): void {
    this.logger.warn('the broker lost its connection for a while: channels with history read what they missed from it');
    this.follower.gap();
    for (const channel of [...this.hub.channelNames()]) {
      if (historyEnabled(this.namespace(channel)) && !this.follower.follows(channel)) this.lost(channel, new Error('its stream position was not known'));
    }
  }

  /** The channel's last local subscriber left: its delta base and stream position go. */
  channelVacated(channel: string): void {
    this.deltaBases.forget(channel);
    this.follower.forget(channel);
  }

  /** What the channel's subscribers missed cannot be delivered here: they reconnect (3010) and recover it. */
  private lost(channel: string, reason: unknown): void {
    const subscribers = [...(this.hub.subscribers(channel) ?? [])];
    if (subscribers.length === 0) return;
    this.logger.warn(`publications of ${channel} were lost on the way to this node and cannot be read from history (${String(reason)}): its ${subscribers.length} subscribers reconnect to recover them`);
    for (const session of subscribers) session.disconnect(DisconnectCode.InsufficientState);
  }

  onJoin(channel: string, info: WireClientInfo): void {
    this.deliverJoinLeave(channel, { join: { info } });
  }

  onLeave(channel: string, info: WireClientInfo): void {
    this.deliverJoinLeave(channel, { leave: { info } });
  }

  onControl(message: ControlMessage): void {
    const sessions = this.hub.sessionsOf(message.user);
    if (!sessions) return;
    for (const session of [...sessions]) {
      if (message.client && session.id !== message.client) continue;
      if (message.type === 'disconnect' && message.whitelist?.includes(session.id)) continue;
      session.control(message);
    }
  }

  private deliverJoinLeave(channel: string, body: { join: { info: WireClientInfo } } | { leave: { info: WireClientInfo } }): void {
    const subscribers = this.hub.subscribers(channel);
    if (!subscribers) return;
    // In a big channel every join costs a push per subscriber: a connect flood would multiply into millions.
    const cap = this.maxJoinLeaveSubscribers;
    if (cap > 0 && subscribers.size > cap) return;
    const encoded = new EncodedPush({ channel, ...body }, (codec, err) =>
      this.logger.error(`join/leave in ${channel} cannot be encoded as ${codec.name}, dropped: ${String(err)}`),
    );
    for (const session of subscribers) session.deliverJoinLeave(channel, encoded);
  }
}

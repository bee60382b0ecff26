import type { Logger } from '@nestjs/common';
import type { BrokerEvents, ControlMessage, NodeAnnouncement } from '../broker/broker.interface.js';
import { DisconnectCode } from '../protocol/codes.js';
import { EncodedPush } from '../protocol/encoded-push.js';
import type { Publication, StreamPosition, WireClientInfo } from '../protocol/frames.js';
import { DeltaBases } from '../delivery/delta-bases.js';
import type { FlushScheduler } from '../delivery/flush-scheduler.js';
import type { EngineMeter } from './engine-meter.js';
import type { EngineSession } from './engine-session.interface.js';
import type { Hub } from './hub.js';
import type { NodeRegistry } from './node-registry.js';

/**
 * What comes back from the broker, handed to this node's sessions: publications and join/leave
 * encoded once per codec and the same bytes queued to every subscriber speaking it (ephemeral
 * publications at low priority); control messages onto each
 * addressed session's command chain. In channels whose namespace allows delta compression each
 * publication is also kept as the base of the next one's delta.
 */
export class BrokerListener implements BrokerEvents {
  private readonly deltaBases = new DeltaBases((channel, codec, err) =>
    this.logger.error(`publication to ${channel} cannot be encoded as ${codec.name} for delta subscribers, dropped: ${String(err)}`),
  );

  constructor(
    private readonly hub: Hub<EngineSession>,
    private readonly logger: Logger,
    /** `limits.maxJoinLeaveSubscribers`. */
    private readonly maxJoinLeaveSubscribers: number,
    private readonly meter: EngineMeter,
    private readonly scheduler: FlushScheduler,
    /** Whether the channel's namespace allows delta compression (`allowedDeltaTypes`). */
    private readonly deltaAllowed: (channel: string) => boolean,
    private readonly nodes: NodeRegistry,
  ) {}

  onNode(announcement: NodeAnnouncement): void {
    this.nodes.heard(announcement);
  }

  onPublication(channel: string, publication: Publication, _position?: StreamPosition, ephemeral?: boolean): void {
    const subscribers = this.hub.subscribers(channel);
    if (!subscribers) return;
    const started = performance.now();
    const encoded = new EncodedPush({ channel, pub: publication }, (codec, err) =>
      this.logger.error(`publication to ${channel} cannot be encoded as ${codec.name}, dropped: ${String(err)}`),
    );
    const priority = ephemeral ? 'low' : 'normal';
    const delta = this.deltaAllowed(channel) ? this.deltaBases.next(channel, publication) : undefined;
    for (const session of subscribers) session.deliverPublication(channel, publication, encoded, priority, delta);
    if (!this.meter.active) return;
    this.meter.delivered(channel, subscribers.size);
    this.scheduler.afterFlush(() => this.meter.sent((performance.now() - started) / 1000));
  }

  /**
   * The broker may have lost messages: every client of this node reconnects (3010, insufficient
   * state) and recovers from history what it missed, rather than carry on with a silent gap.
   */
  onGap(): void {
    const sessions = [...this.hub.allSessions()];
    if (sessions.length === 0) return;
    this.logger.warn(`the broker lost its connection for a while: ${sessions.length} clients reconnect to recover what they missed`);
    for (const session of sessions) session.disconnect(DisconnectCode.InsufficientState);
  }

  /** The channel's last local subscriber left: its delta base goes. */
  channelVacated(channel: string): void {
    this.deltaBases.forget(channel);
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

import type { DeltaType } from '../delivery/delta-publication.js';
import type { HistoryOptions } from '../history/history-store.interface.js';

/** The presets a namespace can name (`Presets` holds them). */
export type PresetName = 'chat' | 'notification' | 'presence' | 'public' | 'personal';

/** Per-namespace channel behaviour; names mirror Centrifugo's namespace options in camelCase. */
export interface NamespaceOptions {
  /** Start from a preset (`Presets`); the other fields here override it one by one. */
  preset?: PresetName;
  /** Keep a presence set of the channel's subscribers. */
  presence?: boolean;
  /** Publish join/leave messages when clients subscribe and unsubscribe. */
  joinLeave?: boolean;
  /** Push join/leave to every subscriber, not only to those that asked with `join_leave`. */
  forcePushJoinLeave?: boolean;
  /** Publications kept per channel; 0 disables history. */
  historySize?: number;
  /** Seconds a publication stays in history; 0 disables history. */
  historyTtl?: number;
  /** Seconds the stream position (offset, epoch) outlives the last publication. */
  historyMetaTtl?: number;
  /** Make every subscription recoverable (needs history). */
  forceRecovery?: boolean;
  /** Give every subscription its stream position (offset, epoch) even without recovery. */
  forcePositioning?: boolean;
  /** Authenticated clients may subscribe without a subscription token. */
  allowSubscribeForClient?: boolean;
  /** Anonymous clients (empty user) may subscribe. */
  allowSubscribeForAnonymous?: boolean;
  /** Clients subscribed to the channel may publish into it. */
  allowPublishForSubscriber?: boolean;
  /** Any connected client may publish, subscribed or not. */
  allowPublishForClient?: boolean;
  /** Anonymous clients may publish where publishing is otherwise allowed. */
  allowPublishForAnonymous?: boolean;
  /** Subscribers may ask presence (when presence is on). */
  allowPresenceForSubscriber?: boolean;
  /** Subscribers may ask history (when history is on). */
  allowHistoryForSubscriber?: boolean;
  /** Subscribers per channel on this node; over it, subscribing answers 106. 0 is no limit. */
  maxSubscribers?: number;
  /** Connections of one user subscribed to one channel on this node; one more answers 106, so one user cannot take every slot. Anonymous clients are not counted. 0 is no limit. */
  maxSubscribersPerUser?: number;
  /**
   * Delta compression subscribers may ask for (`delta: 'fossil'` in the SDK's subscription options):
   * each publication then reaches them as a fossil delta against the previous one when that is
   * smaller. For channels publishing whole state over and over. Default none.
   */
  allowedDeltaTypes?: DeltaType[];
  /**
   * Chat messages: each publication gets a server id (`tags.id`), replies (`data.thread`) and
   * attachments are checked, and the message store keeps each message's state for edits, deletes,
   * reactions and read positions (`MessageStore`). Default false.
   */
  messages?: boolean;
}

export type ResolvedNamespaceOptions = Required<Omit<NamespaceOptions, 'preset'>>;

export const defaultNamespaceOptions: ResolvedNamespaceOptions = {
  presence: false,
  joinLeave: false,
  forcePushJoinLeave: false,
  historySize: 0,
  historyTtl: 0,
  historyMetaTtl: 30 * 24 * 3600,
  forceRecovery: false,
  forcePositioning: false,
  allowSubscribeForClient: true,
  allowSubscribeForAnonymous: false,
  allowPublishForSubscriber: false,
  allowPublishForClient: false,
  allowPublishForAnonymous: false,
  allowPresenceForSubscriber: true,
  allowHistoryForSubscriber: true,
  maxSubscribers: 0,
  maxSubscribersPerUser: 0,
  allowedDeltaTypes: [],
  messages: false,
};

export function historyEnabled(ns: ResolvedNamespaceOptions): boolean {
  return ns.historySize > 0 && ns.historyTtl > 0;
}

/** The history limits a publication in the namespace is kept with, or none when it keeps no history. */
export function historyLimits(ns: ResolvedNamespaceOptions): HistoryOptions | undefined {
  return historyEnabled(ns) ? { size: ns.historySize, ttl: ns.historyTtl, metaTtl: ns.historyMetaTtl } : undefined;
}

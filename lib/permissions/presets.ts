import type { NamespaceOptions, PresetName } from '../options/namespace-options.js';

const HOUR = 3600;
const DAY = 24 * HOUR;

/**
 * Namespace options for the usual kinds of channel. Use one as it is (`chat: Presets.Chat`), spread
 * and override (`{ ...Presets.Chat, historySize: 500 }`), or name it (`{ preset: 'chat', historySize: 500 }`).
 */
export const Presets = {
  /** Rooms people talk in: who is here, what was said, recovery after a reconnect; subscribers publish. */
  Chat: {
    presence: true,
    joinLeave: true,
    forcePushJoinLeave: true,
    historySize: 100,
    historyTtl: DAY,
    forceRecovery: true,
    allowPublishForSubscriber: true,
    maxSubscribers: 1000,
    maxSubscribersPerUser: 10,
  },
  /** Server-to-client notices: kept a week and recovered, clients only read. */
  Notification: {
    historySize: 50,
    historyTtl: 7 * DAY,
    forceRecovery: true,
  },
  /** Who is online: presence and join/leave, nothing stored, clients only read. */
  Presence: {
    presence: true,
    joinLeave: true,
    forcePushJoinLeave: true,
  },
  /** Broadcasts anyone may read, anonymous clients too; the last minutes are recoverable. */
  Public: {
    allowSubscribeForAnonymous: true,
    historySize: 20,
    historyTtl: 5 * 60,
    forceRecovery: true,
  },
  /**
   * One user's channel (`personal:#alice`): their tabs and devices, recovered; clients only read.
   * Only the user named after `#` may subscribe: without a `#` nobody can, short of a subscription token.
   */
  Personal: {
    allowSubscribeForClient: false,
    historySize: 100,
    historyTtl: DAY,
    forceRecovery: true,
    maxSubscribers: 32,
  },
} as const satisfies Record<string, NamespaceOptions>;

export const presetsByName: Record<PresetName, NamespaceOptions> = {
  chat: Presets.Chat,
  notification: Presets.Notification,
  presence: Presets.Presence,
  public: Presets.Public,
  personal: Presets.Personal,
};

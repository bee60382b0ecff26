import type { ClientInfo } from './client-info.js';

export interface ConnectEvent {
  client: ClientInfo;
  data: unknown;
}
export interface ConnectHookResult {
  /** Sent to the client in the connect reply's `data`. */
  data?: unknown;
}

export interface SubscribeEvent {
  client: ClientInfo;
  channel: string;
  data: unknown;
  /** The subscribe carried a valid subscription token for the channel. */
  subscriptionToken: boolean;
}
export interface SubscribeHookResult {
  /** Sent to the client in the subscribe reply's `data`. */
  data?: unknown;
  /** Replaces the channel info (`chan_info`) of this subscription. */
  info?: unknown;
}

export interface PublishEvent {
  client: ClientInfo;
  channel: string;
  data: unknown;
}
export interface PublishHookResult {
  /** Replaces the published data. */
  data?: unknown;
  tags?: Record<string, string>;
  /** Publish without keeping it in history. */
  skipHistory?: boolean;
  /** Typing, cursors: not kept in history, and dropped first for a slow reader (low priority). */
  ephemeral?: boolean;
}

export interface RpcEvent {
  client: ClientInfo;
  method: string;
  data: unknown;
}
export interface MessageEvent {
  client: ClientInfo;
  data: unknown;
}
export interface ChannelEvent {
  client: ClientInfo;
  channel: string;
}
export interface DisconnectEvent {
  client: ClientInfo;
  code: number;
  reason: string;
}

/**
 * How the engine reaches application handlers. The handlers layer implements it over decorated
 * methods; a rejection is a thrown StreamingError or DisconnectError (any other error is mapped).
 */
export interface HandlerHooks {
  onConnect(event: ConnectEvent): Promise<ConnectHookResult | undefined>;
  onSubscribe(event: SubscribeEvent): Promise<SubscribeHookResult | undefined>;
  onPublish(event: PublishEvent): Promise<PublishHookResult | undefined>;
  /** Throws StreamingError 104 when no handler has the method. */
  onRpc(event: RpcEvent): Promise<unknown>;
  onMessage(event: MessageEvent): Promise<void>;
  onUnsubscribe(event: ChannelEvent): Promise<void>;
  onDisconnect(event: DisconnectEvent): Promise<void>;
}

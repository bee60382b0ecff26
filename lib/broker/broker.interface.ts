import type { HistoryOptions } from '../history/history-store.interface.js';
import type { Publication, StreamPosition, WireClientInfo } from '../protocol/frames.js';

/** Commands one node sends to every node (disconnect a user wherever it is connected...). */
export type ControlMessage =
  | { type: 'disconnect'; user: string; code: number; reason: string; client?: string; whitelist?: string[] }
  | { type: 'unsubscribe'; user: string; channel: string; client?: string }
  | ({ type: 'subscribe'; user: string; client?: string } & ServerSubscribeRequest)
  | ({ type: 'refresh'; user: string; client?: string } & ServerRefreshRequest);

/** Subscribes connections from the server: the client gets a `subscribe` push. */
export interface ServerSubscribeRequest {
  channel: string;
  /** Channel info of the subscriber (`chan_info` in presence, join/leave and its publications). */
  info?: unknown;
  /** Sent to the client in the `subscribe` push. */
  data?: unknown;
  /** Recover publications after this position into the push (namespaces with recovery). */
  recoverSince?: StreamPosition;
  /** Unix seconds when the subscription ends (unsubscribe push 2501 after the grace). */
  expireAt?: number;
}

/** Changes a connection's expiry or info from the server. */
export interface ServerRefreshRequest {
  /** Close the connection now as expired (3005). */
  expired?: boolean;
  /** New connection expiry, Unix seconds. */
  expireAt?: number;
  /** New connection info (`conn_info`), for what the client does from now on. */
  info?: unknown;
}

/** What a node tells the others about itself (the HTTP API's `info`, the dashboard's node list). */
export interface NodeInfo {
  uid: string;
  name: string;
  numClients: number;
  numUsers: number;
  numChannels: number;
  numSubscriptions: number;
  /** Seconds since the node started. */
  uptime: number;
}

/** A node's announcement on the control channel, every few seconds; `leaving` when it shuts down. */
export interface NodeAnnouncement {
  type: 'node';
  info: NodeInfo;
  leaving?: boolean;
}

/** What a broker delivers to its node. */
export interface BrokerEvents {
  /**
   * A publication on a channel this node subscribed to; `position` is set when it went to history,
   * `ephemeral` when it was published as such (a broker between nodes carries the flag).
   */
  onPublication(channel: string, publication: Publication, position?: StreamPosition, ephemeral?: boolean): void;
  onJoin(channel: string, info: WireClientInfo): void;
  onLeave(channel: string, info: WireClientInfo): void;
  onControl(message: ControlMessage): void;
  /** A node's announcement (this node's own included). */
  onNode(announcement: NodeAnnouncement): void;
  /**
   * Messages between nodes may have been lost (the broker's connection dropped and came back): the
   * node's subscribers must recover what they missed from history.
   */
  onGap?(): void;
}

export interface BrokerPublishOptions {
  /** Keep the publication in the channel's history with these limits. */
  history?: HistoryOptions;
  /** Delivered at low priority: dropped first for slow readers, never kept in history. */
  ephemeral?: boolean;
}

/**
 * Fan-out between nodes. `publish` appends to history and delivers in one step so that the
 * order of offsets is the order of delivery on every node.
 */
export interface Broker {
  start(events: BrokerEvents): Promise<void>;
  /** Start receiving a channel's messages on this node (called when its first local subscriber arrives). */
  subscribe(channel: string): Promise<void>;
  unsubscribe(channel: string): Promise<void>;
  /** Returns the stream position after the publication, when it went to history. */
  publish(channel: string, publication: Publication, options: BrokerPublishOptions): Promise<StreamPosition | undefined>;
  publishJoin(channel: string, info: WireClientInfo): Promise<void>;
  publishLeave(channel: string, info: WireClientInfo): Promise<void>;
  /** To every node, this one included: a control message for sessions, or a node's announcement. */
  publishControl(message: ControlMessage | NodeAnnouncement): Promise<void>;
  close(): Promise<void>;
}

import type { WireClientInfo } from '../protocol/frames.js';

/** Names of the events the node emits: `@OnEvent(StreamingEvents.Connected)`, webhook `events`. */
export const StreamingEvents = {
  Connected: 'streaming.connected',
  Disconnected: 'streaming.disconnected',
  Subscribed: 'streaming.subscribed',
  Unsubscribed: 'streaming.unsubscribed',
  Published: 'streaming.published',
  PresenceChanged: 'streaming.presence.changed',
  ChannelOccupied: 'streaming.channel.occupied',
  ChannelVacated: 'streaming.channel.vacated',
} as const;
export type StreamingEventName = (typeof StreamingEvents)[keyof typeof StreamingEvents];

/** A connection took the `connect` command and is now connected. */
export interface ConnectedEvent {
  client: string;
  user: string;
  transport: string;
  /** The connection's info (token `info` or the authenticator's). */
  connInfo?: unknown;
}

/** A connected client went away, for whatever reason. */
export interface DisconnectedEvent {
  client: string;
  user: string;
  /** The protocol disconnect code (3000 when the client closed the connection). */
  code: number;
  reason: string;
  /** Seconds the connection was connected. */
  duration: number;
}

/** A client is subscribed to a channel and receives its publications. */
export interface SubscribedEvent {
  client: string;
  user: string;
  channel: string;
  /** Subscribed by the server (token `subs`, server API `subscribe`), not by the client. */
  serverSide: boolean;
}

export interface UnsubscribedEvent {
  client: string;
  user: string;
  channel: string;
}

/** A publication went out on a channel from this node (client publish, StreamingManager, HTTP API). */
export interface PublishedEvent {
  channel: string;
  data: unknown;
  tags?: Record<string, string>;
  /** The publishing client; absent when the server published. */
  info?: WireClientInfo;
  /** Position in the channel's history, when it went there. */
  offset?: number;
  epoch?: string;
}

/** A client entered or left a channel's presence. */
export interface PresenceChangedEvent {
  channel: string;
  action: 'join' | 'leave';
  client: string;
  user: string;
}

/** A channel got its first subscriber on this node, or lost its last one. */
export interface ChannelEvent {
  channel: string;
}

export interface StreamingEventPayloads {
  'streaming.connected': ConnectedEvent;
  'streaming.disconnected': DisconnectedEvent;
  'streaming.subscribed': SubscribedEvent;
  'streaming.unsubscribed': UnsubscribedEvent;
  'streaming.published': PublishedEvent;
  'streaming.presence.changed': PresenceChangedEvent;
  'streaming.channel.occupied': ChannelEvent;
  'streaming.channel.vacated': ChannelEvent;
}

/** One event as observers receive it. */
export type StreamingEvent = { [N in StreamingEventName]: { name: N; payload: StreamingEventPayloads[N] } }[StreamingEventName];

export const streamingEventNames: readonly StreamingEventName[] = Object.values(StreamingEvents);

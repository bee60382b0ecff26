import type { IncomingHttpHeaders } from 'node:http';
import type { NamespaceOptions } from '../options/namespace-options.js';

/** What the client sent to connect, plus the upgrade request's headers. */
export interface ConnectCredentials {
  token?: string;
  data?: unknown;
  headers: IncomingHttpHeaders;
  /** Name and version the SDK announced. */
  name?: string;
  version?: string;
}

/** Who the connection belongs to. An empty `user` is an anonymous connection. */
export interface Identity {
  user: string;
  /** Public info attached to the client's publications and presence (`conn_info`). */
  info?: unknown;
  /** Server-only data, never sent to clients. */
  meta?: unknown;
  roles?: string[];
  /** Unix seconds after which the connection must refresh; undefined never expires. */
  expireAt?: number;
  /**
   * Server-side subscriptions by channel (the token's `subs`, or `channels`): the connection is
   * subscribed to them on connect, without permission checks, and the SDK reports them as
   * server-side subscriptions.
   */
  subscriptions?: Record<string, ServerSubscription>;
}

/**
 * The identity of every anonymous connection (and of a session before its connect): one frozen
 * object for all rather than one each, since nothing changes an identity in place.
 */
export const ANONYMOUS_IDENTITY: Identity = Object.freeze({ user: '' });

/** One server-side subscription. */
export interface ServerSubscription {
  /** Channel info of this client in the channel (`chan_info`). */
  info?: unknown;
  /** `data` of the subscribe result the client receives. */
  data?: unknown;
  /** Namespace options changed for this subscription only. */
  override?: SubscriptionOverride;
}

/** The namespace options a token may change for one subscription. */
export type SubscriptionOverride = Pick<NamespaceOptions, 'presence' | 'joinLeave' | 'forcePushJoinLeave' | 'forceRecovery' | 'forcePositioning'>;

export interface SubscriptionGrant {
  /** Channel info attached to the client's publications and presence in this channel (`chan_info`). */
  info?: unknown;
  /** `data` of the subscribe reply. */
  data?: unknown;
  /** Namespace options changed for this subscription only. */
  override?: SubscriptionOverride;
  /** The grant holds for this connection (client id) only. */
  client?: string;
  /** Unix seconds after which the subscription must be refreshed (`sub_refresh`); undefined never expires. */
  expireAt?: number;
}

/**
 * Decides who a connection is. Throw `StreamingError` (e.g. 109 token expired) to refuse with an
 * error reply, or `DisconnectError` (e.g. 3500 invalid token) to close the connection.
 */
export interface Authenticator {
  authenticate(credentials: ConnectCredentials): Promise<Identity>;
  /** Re-checks a token sent with `refresh`; must name the same user. */
  refresh?(token: string, current: Identity): Promise<Identity>;
  /** Checks a subscription token sent with `subscribe`. */
  authorizeSubscription?(token: string, channel: string, identity: Identity): Promise<SubscriptionGrant>;
  /** Checks a subscription token sent with `sub_refresh`; `authorizeSubscription` is used when absent. */
  refreshSubscription?(token: string, channel: string, identity: Identity): Promise<SubscriptionGrant>;
}

import type { ServerRefreshRequest } from '../broker/broker.interface.js';
import { DisconnectCode, ErrorCode } from '../protocol/codes.js';
import type { ConnectRequest, ConnectResult } from '../protocol/frames.js';
import { DisconnectError, StreamingError } from '../protocol/protocol-error.js';
import type { CommandOutcome } from './command-outcome.js';
import { ConnectAttempt } from './connect-attempt.js';
import { ExpiryTimer, ttlUntil } from './expiry-timer.js';
import { KeepAlive } from './keep-alive.js';
import { ServerSideSubscriptions } from './server-side-subscriptions.js';
import type { SessionCore } from './session-core.js';
import { SessionSubscriptions } from './session-subscriptions.js';

const PROTOCOL_VERSION = '0.1.0';

/**
 * Who the connection is: connect (bounded in time), refresh, the connection's expiry, and server refreshes.
 *
 * The connect deadline: a socket that has not sent `connect` within `websocket.connectTimeout` is
 * stale (3502, as Centrifugo); without it, sockets that never connect would hold file descriptors
 * and connection slots forever. It stops while a `connect` is handled (a slow authenticator or
 * `@OnConnect` must not cut a real client off with a code the SDK does not retry; `ConnectAttempt`
 * bounds that handling), and starts again after a refused one. It is an entry in the node's
 * `SessionTimers` (keyed by the session), not a timer of this connection.
 *
 * Its state (the refusal, the expiry timer) is the core's: this part is made per use.
 */
export class SessionAuth {
  constructor(private readonly core: SessionCore) {}

  private get serverSide(): ServerSideSubscriptions {
    return new ServerSideSubscriptions(this.core, new SessionSubscriptions(this.core));
  }

  /** The socket is open: a `connect` must come within `connectTimeout`. */
  start(): void {
    this.core.node.timers.connects.add(this.core.session);
  }

  /** A connect command arrived: the deadline for one no longer applies. */
  connectArrived(): void {
    this.core.node.timers.connects.delete(this.core.session);
  }

  /** The connect was refused: the client gets `connectTimeout` to go away before it is closed. */
  refused(): void {
    this.core.connectRefused = true;
    this.core.node.timers.connects.add(this.core.session);
  }

  /** No `connect` in time. */
  stale(): void {
    this.core.disconnect(DisconnectCode.Stale, `no connect within ${this.core.node.options.websocket.connectTimeout} s`);
  }

  stop(): void {
    this.core.node.timers.connects.delete(this.core.session);
    this.core.expiry?.clear();
  }

  /**
   * `connect` with its authenticator and `@OnConnect` handlers bounded by
   * `websocket.connectHandlingTimeout`: past it the client gets 100, temporary (the SDK retries, as
   * after Centrifugo's connect proxy failing), and the session is unusable as after any refused connect.
   */
  boundedConnect(req: ConnectRequest): Promise<CommandOutcome> {
    const { core } = this;
    const seconds = core.node.options.websocket.connectHandlingTimeout;
    const attempt = new ConnectAttempt(seconds, () => {
      const detail = `connect not handled within ${seconds} s (authenticator or @OnConnect still running)`;
      if (!core.isClosed()) core.node.log.report('warn', 'connect unfinished', `${detail}; answered 100 so the client retries`, core.describe());
      return StreamingError.of(ErrorCode.Internal);
    });
    return attempt.bound(this.connect(req, attempt));
  }

  private async connect(req: ConnectRequest, attempt: ConnectAttempt): Promise<CommandOutcome> {
    const { core } = this;
    const { node } = core;
    if (core.state === 'connected') throw DisconnectError.of(DisconnectCode.BadRequest, 'already connected');
    // After every await: the client may have gone, or the bound passed and the client was answered.
    const abandoned = () => core.isClosed() || attempt.expired;
    const { headers } = core.connection;
    const identity = await node.authenticator.authenticate({ token: req.token, data: req.data, headers, name: req.name, version: req.version });
    if (abandoned()) return {};
    if (identity.expireAt !== undefined && ttlUntil(identity.expireAt) <= 0) {
      throw StreamingError.of(ErrorCode.Expired, 'connection expiry is not in the future');
    }
    // Checked before connecting, so an unknown channel refuses the connect (102, as Centrifugo).
    const serverSubs = this.serverSide.entries(identity.subscriptions);
    const { maxChannelsPerConnection } = node.options.limits;
    if (maxChannelsPerConnection > 0 && serverSubs.length > maxChannelsPerConnection) {
      throw DisconnectError.of(DisconnectCode.ChannelLimit, `token names ${serverSubs.length} server-side channels`);
    }
    core.identity = identity;
    // Before the hooks, which need not run for a connection that cannot stay. The store counts
    // atomically: concurrent connects of a user, on this node or another, cannot both slip in.
    if (!(await node.limits.acquireConnection(identity.user, core.id))) {
      const max = node.options.limits.maxConnectionsPerUser;
      throw DisconnectError.of(DisconnectCode.ConnectionLimit, `user has ${max} connections`);
    }
    // Read through a closure: the state narrowed above may have changed by the time it is asked.
    const connected = () => core.state === 'connected';
    try {
      return await this.join(req, attempt, abandoned, serverSubs);
    } finally {
      // Not connected after all (refused, timed out, gone): the lease goes back. A connected session releases it on close.
      if (!connected()) void node.limits.releaseConnection(identity.user, core.id);
    }
  }

  private async join(
    req: ConnectRequest,
    attempt: ConnectAttempt,
    abandoned: () => boolean,
    serverSubs: ReturnType<ServerSideSubscriptions['entries']>,
  ): Promise<CommandOutcome> {
    const { core } = this;
    const { node } = core;
    if (abandoned()) return {};
    const hook = await node.hooks.onConnect({ client: core.info, data: req.data });
    if (abandoned()) return {};
    // Joining the node: from here the connect is answered, with its result or a disconnect.
    attempt.finish();
    // The node began to drain while this connect was handled: its stores are closing.
    if (node.stopped) throw new DisconnectError(DisconnectCode.Shutdown);
    core.state = 'connected';
    node.hub.addClient(core.session);
    node.lifecycle.connected(core.session);
    const result: ConnectResult = { client: core.id, version: PROTOCOL_VERSION, node: node.id };
    const ttl = this.armExpiry();
    if (ttl !== undefined) Object.assign(result, { expires: true, ttl });
    if (hook?.data !== undefined) result.data = hook.data;
    if (core.connection.session !== undefined) result.session = core.connection.session;
    Object.assign(result, new KeepAlive(core).start());
    const subscribed = await this.serverSide.subscribe(serverSubs, req.subs);
    if (core.isClosed()) return {};
    if (subscribed.length > 0) result.subs = Object.fromEntries(subscribed.map(({ sub, result }) => [sub.channel, result]));
    return { result, afterReply: () => this.serverSide.goLive(subscribed) };
  }

  async refresh(token: string): Promise<CommandOutcome> {
    const { core } = this;
    const authenticator = core.node.authenticator;
    const identity = authenticator.refresh
      ? await authenticator.refresh(token, core.identity)
      : await authenticator.authenticate({ token, headers: core.connection.headers });
    if (core.isClosed()) return {};
    if (identity.user !== core.identity.user) {
      throw DisconnectError.of(DisconnectCode.InvalidToken, 'refresh token names another user');
    }
    if (this.serverSide.changed(identity.subscriptions)) {
      // Reconnecting applies the new set (Centrifugo does the same).
      throw DisconnectError.of(DisconnectCode.InsufficientState, 'server-side subscriptions of the token changed');
    }
    if (identity.expireAt !== undefined && ttlUntil(identity.expireAt) <= 0) {
      throw StreamingError.of(ErrorCode.Expired, 'connection expiry is not in the future');
    }
    core.identity = identity;
    const ttl = this.armExpiry();
    return { result: ttl === undefined ? {} : { expires: true, ttl } };
  }

  /** The server changes this connection's expiry or info (StreamingManager.refresh). */
  serverRefresh(req: ServerRefreshRequest): void {
    const { core } = this;
    if (core.state !== 'connected') return;
    if (req.expired) {
      core.disconnect(DisconnectCode.Expired, 'expired by the server');
      return;
    }
    if (req.info !== undefined) core.identity = { ...core.identity, info: req.info };
    if (req.expireAt !== undefined) {
      core.identity = { ...core.identity, expireAt: req.expireAt };
      this.armExpiry();
    }
  }

  /** Arms the connection's expiry from the identity; returns the reply's ttl, if it expires. */
  private armExpiry(): number | undefined {
    const { core } = this;
    core.expiry?.clear();
    const { expireAt } = core.identity;
    if (expireAt === undefined) return undefined;
    (core.expiry ??= new ExpiryTimer()).arm(expireAt, core.node.options.auth.expiredCloseDelay, () => core.disconnect(DisconnectCode.Expired, 'connection not refreshed in time'));
    return Math.max(0, ttlUntil(expireAt));
  }
}

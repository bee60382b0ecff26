import { randomUUID } from 'node:crypto';
import type { Identity, ServerSubscription, SubscriptionGrant, SubscriptionOverride } from '../auth/authenticator.interface.js';
import type { ServerRefreshRequest, ServerSubscribeRequest } from '../broker/broker.interface.js';
import type { Connection } from '../delivery/connection.interface.js';
import { OutboundQueue, queueLimits } from '../delivery/outbound-queue.js';
import type { Priority } from '../delivery/priority.js';
import { CommandLimiter } from '../limits/command-limiter.js';
import { checkPublicationDataSize } from '../limits/publication-data-size.js';
import { historyEnabled, type ResolvedNamespaceOptions } from '../options/namespace-options.js';
import { Permission } from '../permissions/permission.enum.js';
import type { Codec } from '../protocol/codec.js';
import { DisconnectCode, disconnectReasons, ErrorCode, errorMessages, UnsubscribeCode } from '../protocol/codes.js';
import type { EncodedPush } from '../protocol/encoded-push.js';
import type {
  Command,
  ConnectRequest,
  ConnectResult,
  HistoryRequest,
  Publication,
  PublishRequest,
  Reply,
  RpcRequest,
  SubRefreshRequest,
  SubscribeRequest,
  SubscribeResult,
  WireClientInfo,
} from '../protocol/frames.js';
import { DisconnectError, StreamingError } from '../protocol/protocol-error.js';
import type { ClientInfo } from './client-info.js';
import { ConnectAttempt } from './connect-attempt.js';
import { ConnectDeadline } from './connect-deadline.js';
import { ExpiryTimer, ttlUntil } from './expiry-timer.js';
import { refusalLine, toProtocolError } from './protocol-error-mapping.js';
import type { Node } from './node.js';
import { isRecovered, mergeBuffered } from './recovery.js';
import type { ResolvedChannel } from './channel-resolver.js';

type State = 'connecting' | 'connected' | 'closed';

interface Subscription {
  channel: string;
  resolved: ResolvedChannel;
  chanInfo?: unknown;
  /** Join/leave pushes were asked for (or forced by the namespace). */
  joinLeave: boolean;
  /** Publications arriving while the subscribe reply is being built; undefined once subscribed. */
  buffer?: Publication[];
  /** Made by the server, from the identity's `subscriptions` (token) or by `StreamingManager.subscribe` (api). */
  serverSide?: 'token' | 'api';
  /** Unix seconds when the subscription token runs out; `sub_refresh` moves it. */
  expireAt?: number;
  expiry?: ExpiryTimer;
}

/** A server-side subscription to make, its channel resolved (with the identity's overrides). */
interface ServerSideEntry {
  channel: string;
  resolved: ResolvedChannel;
  opts: ServerSubscription;
}

type Subscribed = { sub: Subscription; result: SubscribeResult };

const PROTOCOL_VERSION = '0.1.0';

/**
 * One client connection: the connecting → connected → closed state machine and the protocol
 * commands. Commands of one connection are handled one after the other, in arrival order.
 */
export class ClientSession {
  readonly id = randomUUID();
  private state: State = 'connecting';
  private identity: Identity = { user: '' };
  /** A refused connect leaves the session unusable: any further command closes it (as Centrifugo). */
  private unusable = false;
  private readonly subs = new Map<string, Subscription>();
  private readonly queue: OutboundQueue;
  private commandChain: Promise<void> = Promise.resolve();
  private pendingCommands = 0;
  private pingTimer?: NodeJS.Timeout;
  private pongTimer?: NodeJS.Timeout;
  private readonly connectionExpiry = new ExpiryTimer();
  private readonly connectDeadline: ConnectDeadline;
  private awaitingPong = false;
  private readonly limiter?: CommandLimiter;

  constructor(
    private readonly node: Node,
    private readonly connection: Connection,
    private readonly codec: Codec,
  ) {
    this.queue = new OutboundQueue(
      connection,
      codec,
      node.scheduler,
      queueLimits(node.options),
      () => this.disconnect(DisconnectCode.Slow, 'too many bytes queued'),
      node.budget,
    );
    const { limits } = node.options;
    if (limits.commandsPerSecond > 0) this.limiter = new CommandLimiter(limits);
    const { connectTimeout } = node.options.websocket;
    this.connectDeadline = new ConnectDeadline(connectTimeout, () =>
      this.disconnect(DisconnectCode.Stale, `no connect within ${connectTimeout} s`),
    );
  }

  get user(): string {
    return this.identity.user;
  }

  /** Read through a method so narrowing does not survive an await that may have closed us. */
  private isClosed(): boolean {
    return this.state === 'closed';
  }

  get info(): ClientInfo {
    const { transport, ip, headers } = this.connection;
    return { ...this.identity, id: this.id, transport, ip, headers, channels: [...this.subs.keys()] };
  }

  /** Info attached to this client's publications, presence and join/leave in a channel. */
  wireInfo(chanInfo?: unknown): WireClientInfo {
    const info: WireClientInfo = { user: this.identity.user, client: this.id };
    if (this.identity.info !== undefined) info.conn_info = this.identity.info;
    if (chanInfo !== undefined) info.chan_info = chanInfo;
    return info;
  }

  /** A frame from the transport: decode it and queue its commands. */
  handleFrame(frame: Buffer): void {
    this.node.meter.received(frame.length);
    if (this.state === 'closed') return;
    let commands: Command[];
    try {
      commands = this.codec.decode(frame);
    } catch (err) {
      this.fail(err);
      return;
    }
    for (const command of commands) {
      if (command.badData !== undefined) {
        this.fail(StreamingError.of(ErrorCode.BadRequest, command.badData), command);
        continue;
      }
      // Pongs answer our own pings: refusing them would end in a 3012 the client did not earn.
      if (this.limiter && command.method !== 'pong') {
        const verdict = this.limiter.admit();
        if (verdict === 'disconnect') {
          this.disconnect(DisconnectCode.TooManyRequests, 'kept sending commands after being refused');
          return;
        }
        if (verdict === 'refuse') {
          this.refuseCommand(command);
          continue;
        }
      }
      if (++this.pendingCommands > this.node.options.websocket.maxPendingCommands) {
        this.disconnect(DisconnectCode.TooManyRequests, 'too many commands waiting');
        return;
      }
      this.commandChain = this.commandChain.then(() => this.handleCommand(command));
    }
  }

  /** Over the command rate: error 111 (temporary, so the SDK retries), logged once per burst. */
  private refuseCommand(command: Command): void {
    if (this.limiter!.firstRefusal) {
      const limit = this.node.options.limits.commandsPerSecond;
      this.node.log.report('verbose', 'refuse 111', `over ${limit} commands/s, refusing with 111`, this.describe());
    }
    if (command.id === 0) return;
    const code = ErrorCode.TooManyRequests;
    this.reply({ id: command.id, error: { code, message: errorMessages[code], temporary: true } });
  }

  /** The transport closed without us asking. */
  handleTransportClosed(): void {
    if (this.state === 'closed') return;
    this.terminate(DisconnectCode.ConnectionClosed, disconnectReasons[DisconnectCode.ConnectionClosed]);
  }

  /** Closes the connection with a protocol disconnect code; the reason is logged at verbose, summarised per code. */
  disconnect(code: number, detail?: string, reason = disconnectReasons[code as DisconnectCode] ?? 'disconnect'): void {
    if (this.state === 'closed') return;
    // Only our own failure is worth more than verbose: the rest is the client's doing, or ours on purpose.
    const level = code === DisconnectCode.ServerError ? 'error' : 'verbose';
    this.node.log.report(level, `disconnect ${code}`, `disconnect: ${code} ${reason}${detail ? ` (${detail})` : ''}`, this.describe());
    this.queue.close();
    this.connection.close(code, reason);
    this.terminate(code, reason);
  }

  /** A publication for a channel this session is subscribed to, encoded once for all subscribers. */
  deliverPublication(channel: string, publication: Publication, encoded: EncodedPush, priority: Priority): void {
    const sub = this.subs.get(channel);
    if (!sub) return;
    if (sub.buffer) sub.buffer.push(publication);
    else this.push(encoded, priority);
  }

  deliverJoinLeave(channel: string, encoded: EncodedPush): void {
    const sub = this.subs.get(channel);
    if (sub && !sub.buffer && sub.joinLeave) this.push(encoded, 'high');
  }

  private push(encoded: EncodedPush, priority: Priority): void {
    const bytes = encoded.for(this.codec);
    if (bytes) this.queue.push(bytes, priority);
  }

  /** The server removes a subscription (StreamingManager.unsubscribe): the client stays unsubscribed. */
  async serverUnsubscribe(channel: string): Promise<void> {
    if (!this.subs.has(channel) || this.state !== 'connected') return;
    await this.removeSubscription(channel);
    this.queue.push(this.codec.encodePush({ channel, unsubscribe: { code: 2000, reason: 'server unsubscribe' } }), 'high');
  }

  /** The server subscribes this connection (StreamingManager.subscribe): a `subscribe` push, on the command chain. */
  serverSubscribe(req: ServerSubscribeRequest): void {
    this.commandChain = this.commandChain.then(() => this.subscribeFromServer(req)).catch((err: unknown) => this.fail(err));
  }

  /** The server changes this connection's expiry or info (StreamingManager.refresh). */
  serverRefresh(req: ServerRefreshRequest): void {
    if (this.state !== 'connected') return;
    if (req.expired) {
      this.disconnect(DisconnectCode.Expired, 'expired by the server');
      return;
    }
    if (req.info !== undefined) this.identity = { ...this.identity, info: req.info };
    if (req.expireAt !== undefined) {
      this.identity = { ...this.identity, expireAt: req.expireAt };
      this.armExpiry();
    }
  }

  private async subscribeFromServer(req: ServerSubscribeRequest): Promise<void> {
    const { channel } = req;
    if (this.isClosed() || this.subs.has(channel)) return;
    const { maxChannelsPerConnection } = this.node.options.limits;
    if (maxChannelsPerConnection > 0 && this.subs.size >= maxChannelsPerConnection) {
      this.node.log.report('debug', 'server subscribe over channel limit', `not subscribed to ${channel} by the server, already in ${maxChannelsPerConnection} channels`, this.describe());
      return;
    }
    const entry = { channel, resolved: this.node.resolver.resolve(channel), opts: { info: req.info, data: req.data } };
    const since = req.recoverSince;
    const recovery = since ? { [channel]: { channel, recover: true, offset: since.offset, epoch: since.epoch } } : undefined;
    const subscribed = await this.subscribeServerSide([entry], recovery, 'api');
    if (this.isClosed() || subscribed.length === 0) return;
    const { sub, result } = subscribed[0]!;
    sub.expireAt = req.expireAt;
    this.armSubscriptionExpiry(sub, result);
    // The SDK reads no publications from a subscribe push: recovered ones follow it as pushes.
    const { publications = [], ...announced } = result;
    this.queue.push(this.codec.encodePush({ channel, subscribe: announced }));
    for (const pub of publications) this.queue.push(this.codec.encodePush({ channel, pub }));
    await this.goLiveServerSide(subscribed);
  }

  private async handleCommand(command: Command): Promise<void> {
    this.pendingCommands--;
    if (this.state === 'closed') return;
    if (this.unusable) {
      this.disconnect(DisconnectCode.BadRequest, 'command after a refused connect');
      return;
    }
    if (this.state === 'connecting' && command.method !== 'connect') {
      this.disconnect(DisconnectCode.BadRequest, `${command.method} before connect`);
      return;
    }
    if (command.method === 'connect') this.connectDeadline.clear();
    const started = performance.now();
    try {
      const result = await this.dispatch(command);
      if (result !== undefined && !this.isClosed()) this.reply({ id: command.id, [command.method]: result });
    } catch (err) {
      this.fail(err, command);
    }
    this.node.meter.commandDone(command.method, (performance.now() - started) / 1000);
  }

  private async dispatch(command: Command): Promise<unknown> {
    switch (command.method) {
      case 'pong':
        return this.handlePong();
      case 'connect':
        return this.boundedConnect(command.id, command.request);
      case 'subscribe':
        return this.subscribe(command.id, command.request);
      case 'unsubscribe':
        await this.unsubscribe(command.request.channel);
        return {};
      case 'publish':
        return this.publish(command.request);
      case 'presence':
        return this.presence(command.request.channel);
      case 'presence_stats':
        return this.presenceStats(command.request.channel);
      case 'history':
        return this.history(command.request);
      case 'rpc':
        return this.rpc(command.request);
      case 'send':
        await this.node.hooks.onMessage({ client: this.info, data: command.request.data });
        return undefined;
      case 'refresh':
        return this.refresh(command.request.token);
      case 'sub_refresh':
        return this.subRefresh(command.request);
    }
  }

  /** Maps any failure to an error reply or a disconnect, with a log line. */
  private fail(err: unknown, command?: Command): void {
    const error = err instanceof StreamingError || err instanceof DisconnectError ? err : toProtocolError(err, this.node.logger);
    if (error instanceof DisconnectError) {
      this.disconnect(error.code, error.detail, error.reason);
      return;
    }
    if (!command || command.id === 0) {
      this.node.log.report('debug', `error ${error.code}`, `error ${error.code} ${error.message} on an id-less command`, this.describe());
      return;
    }
    this.node.log.report('debug', `error ${error.code} ${command.method}`, refusalLine(command, error), this.describe());
    this.node.meter.refused(error.code);
    if (command.method === 'connect') {
      this.unusable = true;
      this.connectDeadline.arm();
    }
    this.reply({ id: command.id, error: { code: error.code, message: error.message, ...(error.temporary ? { temporary: true } : {}) } });
  }

  private reply(reply: Reply): void {
    this.queue.push(this.codec.encodeReply(reply), 'high');
  }

  private describe(): string {
    return `client ${this.id} user "${this.identity.user}"`;
  }

  // --- connect, refresh, ping ---

  /**
   * `connect` with its authenticator and `@OnConnect` handlers bounded by
   * `websocket.connectHandlingTimeout`: past it the client gets 100, temporary (the SDK retries, as
   * after Centrifugo's connect proxy failing), and the session is unusable as after any refused connect.
   */
  private boundedConnect(id: number, req: ConnectRequest): Promise<undefined> {
    const seconds = this.node.options.websocket.connectHandlingTimeout;
    const attempt = new ConnectAttempt(seconds, () => {
      const detail = `connect not handled within ${seconds} s (authenticator or @OnConnect still running)`;
      if (!this.isClosed()) this.node.log.report('warn', 'connect unfinished', `${detail}; answered 100 so the client retries`, this.describe());
      return StreamingError.of(ErrorCode.Internal);
    });
    return attempt.bound(this.connect(id, req, attempt));
  }

  private async connect(id: number, req: ConnectRequest, attempt: ConnectAttempt): Promise<undefined> {
    if (this.state === 'connected') throw DisconnectError.of(DisconnectCode.BadRequest, 'already connected');
    // After every await: the client may have gone, or the bound passed and the client was answered.
    const abandoned = () => this.isClosed() || attempt.expired;
    const identity = await this.node.authenticator.authenticate({
      token: req.token,
      data: req.data,
      headers: this.connection.headers,
      name: req.name,
      version: req.version,
    });
    if (abandoned()) return undefined;
    if (identity.expireAt !== undefined && ttlUntil(identity.expireAt) <= 0) {
      throw StreamingError.of(ErrorCode.Expired, 'connection expiry is not in the future');
    }
    // Checked before connecting, so an unknown channel refuses the connect (102, as Centrifugo).
    const serverSubs = this.serverSubscriptions(identity.subscriptions);
    const { maxChannelsPerConnection } = this.node.options.limits;
    if (maxChannelsPerConnection > 0 && serverSubs.length > maxChannelsPerConnection) {
      throw DisconnectError.of(DisconnectCode.ChannelLimit, `token names ${serverSubs.length} server-side channels`);
    }
    this.identity = identity;
    this.checkUserConnections();
    const hook = await this.node.hooks.onConnect({ client: this.info, data: req.data });
    if (abandoned()) return undefined;
    // Again after the await, in the same synchronous step as counting: concurrent connects of a user cannot both slip in.
    this.checkUserConnections();
    // Joining the node: from here the connect is answered, with its result or a disconnect.
    attempt.finish();
    // The node began to drain while this connect was handled: its stores are closing.
    if (this.node.stopped) throw new DisconnectError(DisconnectCode.Shutdown);
    this.state = 'connected';
    this.node.hub.addClient(this);
    this.node.clientConnected(this);
    const result: ConnectResult = { client: this.id, version: PROTOCOL_VERSION, node: this.node.id };
    const ttl = this.armExpiry();
    if (ttl !== undefined) Object.assign(result, { expires: true, ttl });
    if (hook?.data !== undefined) result.data = hook.data;
    if (this.connection.session !== undefined) result.session = this.connection.session;
    const { pingInterval } = this.node.options.websocket;
    if (pingInterval > 0) {
      // A unidirectional client cannot answer: its pings only keep the stream and its reader alive.
      Object.assign(result, { ping: pingInterval, pong: !this.connection.unidirectional });
      this.schedulePing();
    }
    const subscribed = await this.subscribeServerSide(serverSubs, req.subs);
    if (this.isClosed()) return undefined;
    if (subscribed.length > 0) result.subs = Object.fromEntries(subscribed.map(({ sub, result }) => [sub.channel, result]));
    this.reply({ id, connect: result });
    await this.goLiveServerSide(subscribed);
    return undefined;
  }

  private checkUserConnections(): void {
    const { maxConnectionsPerUser } = this.node.options.limits;
    if (maxConnectionsPerUser > 0 && this.user !== '' && (this.node.hub.sessionsOf(this.user)?.size ?? 0) >= maxConnectionsPerUser) {
      throw DisconnectError.of(DisconnectCode.ConnectionLimit, `user has ${maxConnectionsPerUser} connections on this node`);
    }
  }

  private async refresh(token: string): Promise<object | undefined> {
    if (!token) throw DisconnectError.of(DisconnectCode.BadRequest, 'refresh without a token');
    const authenticator = this.node.authenticator;
    const identity = authenticator.refresh
      ? await authenticator.refresh(token, this.identity)
      : await authenticator.authenticate({ token, headers: this.connection.headers });
    if (this.isClosed()) return undefined;
    if (identity.user !== this.identity.user) {
      throw DisconnectError.of(DisconnectCode.InvalidToken, 'refresh token names another user');
    }
    if (this.serverSideChanged(identity.subscriptions)) {
      // Reconnecting applies the new set (Centrifugo does the same).
      throw DisconnectError.of(DisconnectCode.InsufficientState, 'server-side subscriptions of the token changed');
    }
    if (identity.expireAt !== undefined && ttlUntil(identity.expireAt) <= 0) {
      throw StreamingError.of(ErrorCode.Expired, 'connection expiry is not in the future');
    }
    this.identity = identity;
    const ttl = this.armExpiry();
    return ttl === undefined ? {} : { expires: true, ttl };
  }

  /** Arms the connection's expiry from the identity; returns the reply's ttl, if it expires. */
  private armExpiry(): number | undefined {
    this.connectionExpiry.clear();
    const { expireAt } = this.identity;
    if (expireAt === undefined) return undefined;
    this.connectionExpiry.arm(expireAt, this.node.options.auth.expiredCloseDelay, () =>
      this.disconnect(DisconnectCode.Expired, 'connection not refreshed in time'),
    );
    return Math.max(0, ttlUntil(expireAt));
  }

  private schedulePing(): void {
    const { pingInterval, pongTimeout } = this.node.options.websocket;
    this.pingTimer = setTimeout(() => {
      if (this.state !== 'connected') return;
      this.queue.push(this.codec.ping, 'high');
      if (this.connection.unidirectional) {
        this.schedulePing();
        return;
      }
      this.awaitingPong = true;
      this.pongTimer = setTimeout(() => this.disconnect(DisconnectCode.NoPong), pongTimeout * 1000);
      this.pongTimer.unref();
    }, pingInterval * 1000);
    this.pingTimer.unref();
  }

  private handlePong(): undefined {
    if (!this.awaitingPong) throw DisconnectError.of(DisconnectCode.BadRequest, 'pong without ping');
    this.awaitingPong = false;
    clearTimeout(this.pongTimer);
    this.schedulePing();
    return undefined;
  }

  // --- channels ---

  private async subscribe(id: number, req: SubscribeRequest): Promise<undefined> {
    const { channel } = req;
    const namespace = this.node.resolver.resolve(channel);
    if (this.subs.has(channel)) throw new StreamingError(ErrorCode.AlreadySubscribed);
    const { maxChannelsPerConnection } = this.node.options.limits;
    if (maxChannelsPerConnection > 0 && this.subs.size >= maxChannelsPerConnection) {
      throw StreamingError.of(ErrorCode.LimitExceeded, `already in ${maxChannelsPerConnection} channels`);
    }
    let chanInfo: unknown;
    let grant: SubscriptionGrant | undefined;
    if (req.token) {
      grant = await this.subscriptionGrant(req.token, channel, 'subscribe');
      chanInfo = grant.info;
    }
    const resolved = withOverride(namespace, grant?.override);
    const ns = resolved.options;
    const permissions = this.node.permissions.permissionsFor(this.identity, channel, { token: grant !== undefined });
    if (!(permissions & Permission.Subscribe)) throw new StreamingError(ErrorCode.PermissionDenied);
    this.checkChannelRoom(channel, ns);
    const hook = await this.node.hooks.onSubscribe({ client: this.info, channel, data: req.data, subscriptionToken: grant !== undefined });
    if (hook?.info !== undefined) chanInfo = hook.info;
    if (this.state !== 'connected') return undefined;
    if (this.subs.has(channel)) throw new StreamingError(ErrorCode.AlreadySubscribed);
    // Again after the await: from here to the hub's count nothing awaits, so concurrent subscribers cannot overshoot.
    this.checkChannelRoom(channel, ns);

    const sub: Subscription = {
      channel,
      resolved,
      chanInfo,
      joinLeave: ns.joinLeave && (ns.forcePushJoinLeave || req.join_leave === true) && (permissions & Permission.JoinLeave) !== 0,
      buffer: [],
      expireAt: grant?.expireAt,
    };
    this.subs.set(channel, sub);
    try {
      await this.node.addSubscription(channel, this);
      const result = await this.subscribeResult(channel, req, sub);
      const data = hook?.data ?? grant?.data;
      if (data !== undefined) result.data = data;
      this.armSubscriptionExpiry(sub, result);
      if (ns.presence) await this.node.addPresence(channel, this.wireInfo(chanInfo));
      if (this.state !== 'connected') return undefined;
      this.reply({ id, subscribe: result });
      this.goLive(sub, result);
      this.node.clientSubscribed(this, channel, false);
    } catch (err) {
      await this.removeSubscription(channel);
      throw err;
    }
    if (ns.joinLeave) await this.node.broker.publishJoin(channel, this.wireInfo(chanInfo));
    return undefined;
  }

  /** Room in the channel (`maxSubscribers`, `maxSubscribersPerUser`) and on the node (`maxChannels`); 106 when full. */
  private checkChannelRoom(channel: string, ns: ResolvedNamespaceOptions): void {
    const { hub } = this.node;
    const maxSubscribers = this.node.permissions.maxSubscribers(channel);
    if (maxSubscribers > 0 && hub.localSubscribers(channel) >= maxSubscribers) {
      throw StreamingError.of(ErrorCode.LimitExceeded, `channel has ${maxSubscribers} subscribers already`);
    }
    const perUser = ns.maxSubscribersPerUser;
    if (perUser > 0 && this.user !== '' && hub.userSubscribers(channel, this.user) >= perUser) {
      throw StreamingError.of(ErrorCode.LimitExceeded, `user has ${perUser} connections in the channel already`);
    }
    const { maxChannels } = this.node.options.limits;
    if (maxChannels > 0 && hub.localSubscribers(channel) === 0 && hub.numChannels >= maxChannels) {
      throw StreamingError.of(ErrorCode.LimitExceeded, `node tracks ${maxChannels} channels already`);
    }
  }

  /** Position and recovered publications for a subscribe reply, per Centrifugo's rules. */
  private async subscribeResult(channel: string, req: SubscribeRequest, sub: Subscription): Promise<SubscribeResult> {
    const ns = sub.resolved.options;
    const recoverable = historyEnabled(ns) && (ns.forceRecovery || req.recoverable === true);
    const positioned = recoverable || (historyEnabled(ns) && (ns.forcePositioning || req.positioned === true));
    if (!positioned) return {};
    const result: SubscribeResult = { positioned: true };
    if (recoverable) result.recoverable = true;
    const metaTtl = ns.historyMetaTtl;
    if (recoverable && req.recover) {
      result.was_recovering = true;
      const since = { offset: req.offset ?? 0, epoch: req.epoch ?? '' };
      const page = await this.node.history
        .read(channel, { since, limit: -1, metaTtl })
        .catch((err: unknown) => {
          if (err instanceof StreamingError && err.code === ErrorCode.UnrecoverablePosition) return undefined;
          throw err;
        });
      const top = page ?? { ...(await this.node.history.position(channel, metaTtl)), publications: [] };
      result.epoch = top.epoch;
      result.recovered = page !== undefined && isRecovered(page.publications, top, since);
      if (result.recovered) {
        // As Centrifugo: the reply carries the client's own offset and the publications advance it.
        result.offset = since.offset;
        result.publications = mergeBuffered(top.publications, top.offset, this.takeBuffer(sub));
        sub.buffer = [];
      } else {
        result.offset = top.offset;
      }
      return result;
    }
    const position = await this.node.history.position(channel, metaTtl);
    result.epoch = position.epoch;
    result.offset = position.offset;
    return result;
  }

  private takeBuffer(sub: Subscription): Publication[] {
    const buffered = sub.buffer ?? [];
    sub.buffer = [];
    return buffered;
  }

  /** After the subscribe reply: deliver what arrived meanwhile (newer than the reply's position), then go live. */
  private goLive(sub: Subscription, result: SubscribeResult): void {
    const known = result.publications ?? [];
    const top = known.length > 0 ? known[known.length - 1]!.offset! : (result.offset ?? 0);
    const pending = result.positioned ? mergeBuffered([], top, this.takeBuffer(sub)) : this.takeBuffer(sub);
    sub.buffer = undefined;
    for (const publication of pending) {
      this.queue.push(this.codec.encodePush({ channel: sub.channel, pub: publication }));
    }
  }

  private async unsubscribe(channel: string): Promise<void> {
    if (!this.subs.has(channel)) return;
    await this.removeSubscription(channel);
  }

  private async removeSubscription(channel: string): Promise<void> {
    const sub = this.subs.get(channel);
    if (!sub) return;
    this.subs.delete(channel);
    sub.expiry?.clear();
    const ns = sub.resolved.options;
    await this.node.removeSubscription(channel, this);
    if (ns.presence) await this.node.removePresence(channel, this.wireInfo(sub.chanInfo));
    if (!sub.buffer) this.node.clientUnsubscribed(this, channel);
    if (ns.joinLeave && !sub.buffer) await this.node.broker.publishLeave(channel, this.wireInfo(sub.chanInfo));
    await this.node.hooks.onUnsubscribe({ client: this.info, channel });
  }

  private async publish(req: PublishRequest): Promise<object> {
    const { channel } = req;
    const sub = this.subs.get(channel);
    const subscribed = sub !== undefined && sub.buffer === undefined;
    if (!this.node.permissions.can(this.identity, channel, Permission.Publish, { subscribed })) {
      throw new StreamingError(ErrorCode.PermissionDenied);
    }
    checkPublicationDataSize(req.data, this.node.options.limits.maxPublicationDataSize);
    const hook = await this.node.hooks.onPublish({ client: this.info, channel, data: req.data });
    const publication: Publication = {
      data: hook && 'data' in hook && hook.data !== undefined ? hook.data : req.data,
      info: this.wireInfo(sub?.chanInfo),
    };
    if (hook?.tags) publication.tags = hook.tags;
    await this.node.publish(channel, publication, { skipHistory: hook?.skipHistory, ephemeral: hook?.ephemeral });
    return {};
  }

  /** The feature is on in the namespace (else 108) and the client may use it (else 103). */
  private checkFeature(channel: string, feature: 'presence' | 'history') {
    const { options: ns } = this.node.resolver.resolve(channel);
    const enabled = feature === 'presence' ? ns.presence : historyEnabled(ns);
    if (!enabled) throw StreamingError.of(ErrorCode.NotAvailable, `${feature} is off in this namespace`);
    const sub = this.subs.get(channel);
    const subscribed = sub !== undefined && sub.buffer === undefined;
    const permission = feature === 'presence' ? Permission.Presence : Permission.History;
    if (!this.node.permissions.can(this.identity, channel, permission, { subscribed })) {
      throw new StreamingError(ErrorCode.PermissionDenied);
    }
    return ns;
  }

  private async presence(channel: string): Promise<object> {
    this.checkFeature(channel, 'presence');
    return { presence: await this.node.presence.get(channel) };
  }

  private async presenceStats(channel: string): Promise<object> {
    this.checkFeature(channel, 'presence');
    const stats = await this.node.presence.stats(channel);
    return { num_clients: stats.numClients, num_users: stats.numUsers };
  }

  private async history(req: HistoryRequest): Promise<object> {
    const ns = this.checkFeature(req.channel, 'history');
    const since = req.since ? { offset: req.since.offset ?? 0, epoch: req.since.epoch ?? '' } : undefined;
    const page = await this.node.history.read(req.channel, {
      since,
      limit: req.limit ?? 0,
      reverse: req.reverse,
      metaTtl: ns.historyMetaTtl,
    });
    return { publications: page.publications, epoch: page.epoch, offset: page.offset };
  }

  private async rpc(req: RpcRequest): Promise<object> {
    const data = await this.node.hooks.onRpc({ client: this.info, method: req.method ?? '', data: req.data });
    return data === undefined ? {} : { data };
  }

  // --- subscription tokens, sub_refresh and server-side subscriptions ---

  /** Checks a subscription token; what it grants must not be expired already (110, as Centrifugo). */
  private async subscriptionGrant(token: string, channel: string, command: 'subscribe' | 'sub_refresh'): Promise<SubscriptionGrant> {
    const authenticator = this.node.authenticator;
    const check =
      command === 'subscribe'
        ? authenticator.authorizeSubscription
        : (authenticator.refreshSubscription ?? authenticator.authorizeSubscription);
    if (!check) {
      const code = command === 'subscribe' ? ErrorCode.PermissionDenied : ErrorCode.NotAvailable;
      throw StreamingError.of(code, 'subscription tokens are not accepted');
    }
    const grant = await check.call(authenticator, token, channel, this.identity);
    if (grant.client !== undefined && grant.client !== this.id) {
      throw DisconnectError.of(DisconnectCode.InvalidToken, 'subscription token of another connection');
    }
    if (grant.expireAt !== undefined && ttlUntil(grant.expireAt) <= 0) {
      throw StreamingError.of(ErrorCode.Expired, 'subscription expiry is not in the future');
    }
    return grant;
  }

  /** (Re)arms the subscription's expiry and puts `expires`/`ttl` into the subscribe or sub_refresh result. */
  private armSubscriptionExpiry(sub: Subscription, result: { expires?: boolean; ttl?: number }): void {
    sub.expiry?.clear();
    if (sub.expireAt === undefined) return;
    sub.expiry ??= new ExpiryTimer();
    sub.expiry.arm(sub.expireAt, this.node.options.auth.expiredSubCloseDelay, () => {
      // On the command chain, so it cannot interleave with a sub_refresh of the same channel.
      this.commandChain = this.commandChain.then(() => this.expireSubscription(sub)).catch((err: unknown) => this.fail(err));
    });
    result.expires = true;
    result.ttl = Math.max(0, ttlUntil(sub.expireAt));
  }

  private async subRefresh(req: SubRefreshRequest): Promise<object> {
    if (!req.token) throw StreamingError.of(ErrorCode.BadRequest, 'sub_refresh without a token');
    const sub = this.subs.get(req.channel);
    if (!sub || sub.buffer) throw StreamingError.of(ErrorCode.PermissionDenied, 'not subscribed');
    if (sub.serverSide) throw DisconnectError.of(DisconnectCode.BadRequest, 'sub_refresh of a server-side subscription');
    const grant = await this.subscriptionGrant(req.token, req.channel, 'sub_refresh');
    if (this.subs.get(req.channel) !== sub) throw StreamingError.of(ErrorCode.PermissionDenied, 'not subscribed');
    if (grant.info !== undefined) sub.chanInfo = grant.info;
    sub.expireAt = grant.expireAt;
    const result: { expires?: boolean; ttl?: number } = {};
    this.armSubscriptionExpiry(sub, result);
    return result;
  }

  /** Not refreshed in time: unsubscribe push 2501, on which the SDK subscribes again with a new token (Centrifugo). */
  private async expireSubscription(sub: Subscription): Promise<void> {
    if (this.isClosed() || this.subs.get(sub.channel) !== sub) return;
    if (sub.expireAt === undefined || Date.now() / 1000 < sub.expireAt + this.node.options.auth.expiredSubCloseDelay) return;
    this.node.log.report('verbose', 'subscription expired', `subscription to ${sub.channel} expired`, this.describe());
    await this.removeSubscription(sub.channel);
    const unsubscribe = { code: UnsubscribeCode.Expired, reason: 'subscription expired' };
    this.queue.push(this.codec.encodePush({ channel: sub.channel, unsubscribe }), 'high');
  }

  /** Resolves the identity's server-side channels; throws for unknown or invalid channel names. */
  private serverSubscriptions(subs: Record<string, ServerSubscription> = {}): ServerSideEntry[] {
    return Object.entries(subs).map(([channel, opts]) => {
      return { channel, opts, resolved: withOverride(this.node.resolver.resolve(channel), opts.override) };
    });
  }

  /**
   * Subscribes to the server-side channels before the connect reply: no permission checks (the
   * token grants them), recovery from the connect request's `subs`. Publications are buffered
   * until `goLiveServerSide`, after the reply.
   */
  private async subscribeServerSide(
    list: ServerSideEntry[],
    recovery: ConnectRequest['subs'],
    source: 'token' | 'api' = 'token',
  ): Promise<Subscribed[]> {
    const subscribed: Subscribed[] = [];
    try {
      for (const { channel, resolved, opts } of list) {
        const ns = resolved.options;
        const joinLeave = ns.joinLeave && ns.forcePushJoinLeave;
        const sub: Subscription = { channel, resolved, chanInfo: opts.info, joinLeave, buffer: [], serverSide: source };
        this.subs.set(channel, sub);
        await this.node.addSubscription(channel, this);
        const asked = recovery?.[channel];
        const req: SubscribeRequest = { channel, recover: asked?.recover, epoch: asked?.epoch, offset: asked?.offset };
        const result = await this.subscribeResult(channel, req, sub);
        if (opts.data !== undefined) result.data = opts.data;
        if (this.isClosed()) return [];
        if (ns.presence) await this.node.addPresence(channel, this.wireInfo(sub.chanInfo));
        subscribed.push({ sub, result });
      }
    } catch (err) {
      // Reached after the connection was accepted: close it (its subscriptions go with it), the SDK reconnects.
      const detail = err instanceof Error ? err.message : String(err);
      throw DisconnectError.of(DisconnectCode.ServerError, `server-side subscriptions failed: ${detail}`);
    }
    return subscribed;
  }

  private async goLiveServerSide(subscribed: Subscribed[]): Promise<void> {
    for (const { sub, result } of subscribed) {
      this.goLive(sub, result);
      this.node.clientSubscribed(this, sub.channel, true);
    }
    for (const { sub } of subscribed) {
      if (!sub.resolved.options.joinLeave) continue;
      await this.node.broker
        .publishJoin(sub.channel, this.wireInfo(sub.chanInfo))
        .catch((err: unknown) => this.node.logger.warn(`join of ${this.describe()} in ${sub.channel} not published: ${String(err)}`));
    }
  }

  /** Whether a refreshed identity names other server-side channels than those subscribed. */
  private serverSideChanged(subs: Record<string, ServerSubscription> = {}): boolean {
    const current = [...this.subs.values()].filter((sub) => sub.serverSide === 'token').map((sub) => sub.channel);
    return current.length !== Object.keys(subs).length || current.some((channel) => !Object.hasOwn(subs, channel));
  }

  // --- teardown ---

  /** Releases everything the session holds; runs once, whoever closed first. */
  private terminate(code: number, reason: string): void {
    const wasConnected = this.state === 'connected';
    this.state = 'closed';
    clearTimeout(this.pingTimer);
    clearTimeout(this.pongTimer);
    this.connectDeadline.clear();
    this.connectionExpiry.clear();
    this.queue.close();
    if (!wasConnected) return;
    this.node.hub.removeClient(this);
    const channels = [...this.subs.keys()];
    void Promise.all(channels.map((channel) => this.removeSubscription(channel)))
      .then(() => {
        this.node.clientDisconnected(this, code, reason);
        return this.node.hooks.onDisconnect({ client: this.info, code, reason });
      })
      .catch((err: unknown) => this.node.logger.error(`cleanup of ${this.describe()} failed: ${String(err)}`));
  }
}

/** The namespace's options with a token's per-subscription override; only booleans count. */
function withOverride(resolved: ResolvedChannel, override: SubscriptionOverride | undefined): ResolvedChannel {
  if (!override) return resolved;
  const changed = Object.fromEntries(Object.entries(override).filter(([, value]) => typeof value === 'boolean'));
  return { ...resolved, options: { ...resolved.options, ...changed } };
}

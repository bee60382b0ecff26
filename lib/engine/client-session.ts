import type { ControlMessage } from '../broker/broker.interface.js';
import type { Connection } from '../delivery/connection.interface.js';
import type { DeltaPublication } from '../delivery/delta-publication.js';
import type { Priority } from '../delivery/priority.js';
import { CommandLimiter } from '../limits/command-limiter.js';
import { RateLimitedError } from '../limits/rate-limited.error.js';
import { DisconnectCode, disconnectReasons, ErrorCode, errorMessages } from '../protocol/codes.js';
import type { Codec } from '../protocol/codec.js';
import { jsonCodec } from '../protocol/codecs.js';
import type { EncodedPush } from '../protocol/encoded-push.js';
import type { Command, Publication } from '../protocol/frames.js';
import { StreamingError } from '../protocol/protocol-error.js';
import { ChannelCommands } from './channel-commands.js';
import type { ClientInfo } from './client-info.js';
import type { CommandOutcome } from './command-outcome.js';
import { KeepAlive } from './keep-alive.js';
import type { Node } from './node.js';
import { refusalLine } from './protocol-error-mapping.js';
import { ServerSideSubscriptions } from './server-side-subscriptions.js';
import { SessionAuth } from './session-auth.js';
import { SessionCore, type SessionOwner } from './session-core.js';
import { SessionSubscriptions } from './session-subscriptions.js';
import { advances } from './subscribe-result.js';

/**
 * One client connection: decodes frames and runs their commands one after the other, in arrival
 * order, on one command chain; control messages from the server join the same chain. The work
 * itself is in the parts: auth, subscriptions, server-side subscriptions, channel commands, keep-alive.
 */
export class ClientSession implements SessionOwner {
  private readonly core: SessionCore;
  private readonly limiter?: CommandLimiter;
  private pendingCommands = 0;
  connectedAt: number | undefined = undefined;

  constructor(
    node: Node,
    connection: Connection,
    /** JSON unless the transport negotiated protobuf. */
    codec: Codec = jsonCodec,
  ) {
    this.core = new SessionCore(node, node.meter.meterConnection(connection), codec, this);
    this.auth.start();
    const { limits } = node.options;
    if (limits.commandsPerSecond > 0 || limits.userCommandsPerSecond > 0 || limits.channelPublicationsPerSecond > 0) {
      this.limiter = new CommandLimiter(limits);
    }
  }

  // The parts are made per use: their state is the core's, and an idle connection holds none of them.
  private get auth(): SessionAuth {
    return new SessionAuth(this.core);
  }

  private get keepAlive(): KeepAlive {
    return new KeepAlive(this.core);
  }

  private get subscriptions(): SessionSubscriptions {
    return new SessionSubscriptions(this.core);
  }

  private get serverSide(): ServerSideSubscriptions {
    return new ServerSideSubscriptions(this.core, this.subscriptions);
  }

  private get commands(): ChannelCommands {
    return new ChannelCommands(this.core);
  }

  get id(): string {
    return this.core.id;
  }

  get user(): string {
    return this.core.user;
  }

  get info(): ClientInfo {
    return this.core.info;
  }

  /** A frame from the transport: decode it and queue its commands. */
  handleFrame(frame: Buffer): void {
    this.core.node.meter.received(frame.length);
    if (this.core.isClosed()) return;
    let commands: Command[];
    try {
      commands = this.core.codec.decode(frame);
    } catch (err) {
      this.core.failUnanswered(err);
      return;
    }
    for (const command of commands) {
      if (command.badData !== undefined) {
        this.answerFailure(StreamingError.of(ErrorCode.BadRequest, command.badData), command);
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
      if (++this.pendingCommands > this.core.node.options.websocket.maxPendingCommands) {
        this.disconnect(DisconnectCode.TooManyRequests, 'too many commands waiting');
        return;
      }
      this.core.enqueue(() => this.handleCommand(command));
    }
  }

  /** The transport closed without us asking. */
  handleTransportClosed(): void {
    this.core.close(DisconnectCode.ConnectionClosed, disconnectReasons[DisconnectCode.ConnectionClosed]);
  }

  disconnect(code: number, detail?: string, reason?: string): void {
    this.core.disconnect(code, detail, reason);
  }

  deliverPublication(channel: string, publication: Publication, encoded: EncodedPush, priority: Priority, delta?: DeltaPublication): void {
    const sub = this.core.subs.get(channel);
    if (!sub?.buffer.offer(publication) || !advances(sub, publication)) return;
    if (!sub.delta || !delta) return this.pushEncoded(encoded, priority);
    const bytes = delta.for(this.core.codec, sub.delta.held);
    if (!bytes) return;
    sub.delta.held = delta.seq;
    // Never low: a dropped publication would leave the client's base behind the server's idea of it.
    this.core.queue.push(bytes, priority === 'low' ? 'normal' : priority);
  }

  deliverJoinLeave(channel: string, encoded: EncodedPush): void {
    const sub = this.core.subs.get(channel);
    if (sub?.buffer.live && sub.joinLeave) this.pushEncoded(encoded, 'high');
  }

  private pushEncoded(encoded: EncodedPush, priority: Priority): void {
    const bytes = encoded.for(this.core.codec);
    if (bytes) this.core.queue.push(bytes, priority);
  }

  /** The node's ping queue: this session's ping falls due. */
  ping(): void {
    this.keepAlive.ping();
  }

  /** The node's pong queue: no pong in time. */
  pongMissed(): void {
    this.keepAlive.pongMissed();
  }

  /** The node's connect queue: no `connect` in time. */
  stale(): void {
    this.auth.stale();
  }

  control(message: ControlMessage): void {
    this.core.enqueue(() => this.runControl(message));
  }

  private async runControl(message: ControlMessage): Promise<void> {
    switch (message.type) {
      case 'disconnect':
        return this.disconnect(message.code, undefined, message.reason);
      case 'unsubscribe':
        return this.subscriptions.serverUnsubscribe(message.channel);
      case 'subscribe':
        return this.serverSide.fromServer(message);
      case 'refresh':
        return this.auth.serverRefresh(message);
    }
  }

  /** Over the command rate: error 111 (temporary, so the SDK retries), logged once per burst. */
  private refuseCommand(command: Command): void {
    if (this.limiter!.firstRefusal) {
      const limit = this.core.node.options.limits.commandsPerSecond;
      this.core.node.log.report('verbose', 'refuse 111', `over ${limit} commands/s, refusing with 111`, this.core.describe());
    }
    if (command.id === 0) return;
    const code = ErrorCode.TooManyRequests;
    this.core.reply({ id: command.id, error: { code, message: errorMessages[code], temporary: true } });
  }

  private async handleCommand(command: Command): Promise<void> {
    const { core } = this;
    this.pendingCommands--;
    if (core.isClosed()) return;
    if (core.connectRefused) {
      this.disconnect(DisconnectCode.BadRequest, 'command after a refused connect');
      return;
    }
    if (core.state === 'connecting' && command.method !== 'connect') {
      this.disconnect(DisconnectCode.BadRequest, `${command.method} before connect`);
      return;
    }
    if (command.method === 'connect') this.auth.connectArrived();
    const started = performance.now();
    try {
      // Skipped, not awaited, when off: an await per command costs the hot path a turn.
      if (this.core.node.limits.userCommandRate) await this.checkUserRate(command);
      const { result, afterReply } = await this.dispatch(command);
      // The session can close between the dispatch's last check and here (a delivery from another
      // session's publish can cut it as slow): a subscribe's join must then not go out after its leave.
      if (!core.isClosed()) {
        if (result !== undefined) core.reply({ id: command.id, [command.method]: result });
        await afterReply?.();
      }
    } catch (err) {
      if (err instanceof RateLimitedError && this.limiter!.refuse() === 'disconnect') {
        this.disconnect(DisconnectCode.TooManyRequests, 'kept sending commands after being refused');
        return;
      }
      this.answerFailure(err, command);
    }
    this.core.node.meter.commandDone(command.method, (performance.now() - started) / 1000);
  }

  /** The user's rate over all their connections; connect has no user yet, and pongs answer our pings. */
  private async checkUserRate(command: Command): Promise<void> {
    const { limits } = this.core.node;
    if (command.method === 'connect' || command.method === 'pong') return;
    if (!(await limits.admitUserCommand(this.core.user))) {
      throw new RateLimitedError(`user over ${this.core.node.options.limits.userCommandsPerSecond} commands/s`);
    }
  }

  private dispatch(command: Command): Promise<CommandOutcome> {
    switch (command.method) {
      case 'pong':
        this.keepAlive.pong();
        return Promise.resolve({});
      case 'connect':
        return this.auth.boundedConnect(command.request);
      case 'subscribe':
        return this.subscriptions.subscribe(command.request);
      case 'unsubscribe':
        return this.subscriptions.unsubscribe(command.request.channel);
      case 'publish':
        return this.commands.publish(command.request);
      case 'presence':
        return this.commands.presence(command.request.channel);
      case 'presence_stats':
        return this.commands.presenceStats(command.request.channel);
      case 'history':
        return this.commands.history(command.request);
      case 'rpc':
        return this.commands.rpc(command.request);
      case 'send':
        return this.commands.send(command.request.data);
      case 'refresh':
        return this.auth.refresh(command.request.token);
      case 'sub_refresh':
        return this.subscriptions.subRefresh(command.request);
    }
  }

  /** An error reply with a log line, or the disconnect the failure called for. */
  private answerFailure(err: unknown, command: Command): void {
    const { core } = this;
    if (command.id === 0) {
      core.failUnanswered(err);
      return;
    }
    const error = core.fail(err);
    if (!error) return;
    this.core.node.log.report('debug', `error ${error.code} ${command.method}`, refusalLine(command, error), core.describe());
    this.core.node.meter.refused(error.code);
    if (command.method === 'connect') this.auth.refused();
    core.reply({ id: command.id, error: { code: error.code, message: error.message, ...(error.temporary ? { temporary: true } : {}) } });
  }

  /** Releases everything the session holds; the core calls it once, whoever closed first. */
  released(code: number, reason: string, wasConnected: boolean): void {
    this.keepAlive.stop();
    this.auth.stop();
    // Also a connect still under way: its lease is free the moment the client is gone.
    void this.core.node.limits.releaseConnection(this.user, this.id);
    if (!wasConnected) return;
    this.core.node.hub.removeClient(this);
    const channels = this.core.subs.channels();
    const { subscriptions } = this;
    // A channel whose cleanup fails (a backend call) is logged and the rest goes on: the other
    // channels, the disconnect event and hook, and the count shutdown waits for do not hang on it.
    void Promise.all(channels.map((channel) => subscriptions.remove(channel).catch((err: unknown) => this.cleanupFailed(`in "${channel}"`, err))))
      .then(() => {
        this.core.node.lifecycle.disconnected(this, code, reason);
        return this.core.node.hooks.onDisconnect({ client: this.info, code, reason });
      })
      .catch((err: unknown) => this.cleanupFailed('after disconnect', err));
  }

  private cleanupFailed(where: string, err: unknown): void {
    this.core.node.log.report('error', 'cleanup failed', `cleanup ${where} failed: ${String(err)}`, this.core.describe());
  }
}

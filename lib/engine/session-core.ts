import { randomUUID } from 'node:crypto';
import { ANONYMOUS_IDENTITY, type Identity } from '../auth/authenticator.interface.js';
import type { Connection } from '../delivery/connection.interface.js';
import { OutboundQueue, type QueueOwner } from '../delivery/outbound-queue.js';
import type { Priority } from '../delivery/priority.js';
import type { Codec } from '../protocol/codec.js';
import { DisconnectCode, disconnectReasons } from '../protocol/codes.js';
import type { Push, Reply, WireClientInfo } from '../protocol/frames.js';
import { DisconnectError, StreamingError } from '../protocol/protocol-error.js';
import type { ClientInfo } from './client-info.js';
import type { EngineSession } from './engine-session.interface.js';
import type { ExpiryTimer } from './expiry-timer.js';
import type { Node } from './node.js';
import { toProtocolError } from './protocol-error-mapping.js';
import type { ConnectTimed, KeepAliveTimed } from './session-timers.js';
import { SubscriptionMap } from './subscription-map.js';

type State = 'connecting' | 'connected' | 'closed';

/** The session a core belongs to: the hub's view of it, its entry in the node's timers, and what runs when it closes. */
export interface SessionOwner extends EngineSession, KeepAliveTimed, ConnectTimed {
  /** Runs once when the session closes, whoever closed it first. */
  released(code: number, reason: string, wasConnected: boolean): void;
}

/**
 * The state every part of a session shares: identity, subscriptions, the outbound queue and the
 * command chain. The parts (auth, subscriptions, keep-alive, channel commands) act through it.
 */
export class SessionCore implements QueueOwner {
  readonly id = randomUUID();
  state: State = 'connecting';
  identity: Identity = ANONYMOUS_IDENTITY;
  readonly subs = new SubscriptionMap();
  /** A refused connect leaves the session unusable: any further command closes it (as Centrifugo). */
  connectRefused = false;
  /** The connection's expiry, only for an identity that expires (`SessionAuth`). */
  expiry: ExpiryTimer | undefined = undefined;
  readonly queue: OutboundQueue;
  /** The command chain while it has tasks; undefined when idle, so an idle connection holds no settled promise. */
  private chain: Promise<void> | undefined = undefined;
  private chained = 0;

  constructor(
    readonly node: Node,
    readonly connection: Connection,
    /** JSON unless the transport negotiated protobuf. */
    readonly codec: Codec,
    /** The session as the node's hub knows it; told when the session closes. */
    readonly session: SessionOwner,
  ) {
    // The core itself, not a closure, hears that the socket is slow: a closure per connection costs its context too.
    this.queue = new OutboundQueue(this, node.queueParts);
  }

  get user(): string {
    return this.identity.user;
  }

  /** The queue's socket holds more than `maxQueueSize` after a write. */
  cutSlow(): void {
    this.disconnect(DisconnectCode.Slow, 'too many bytes queued');
  }

  /** Read through a method so narrowing does not survive an await that may have closed us. */
  isClosed(): boolean {
    return this.state === 'closed';
  }

  get info(): ClientInfo {
    const { transport, ip, headers } = this.connection;
    return { ...this.identity, id: this.id, transport, ip, headers, channels: this.subs.channels() };
  }

  /** Info attached to this client's publications, presence and join/leave in a channel. */
  wireInfo(chanInfo?: unknown): WireClientInfo {
    const info: WireClientInfo = { user: this.identity.user, client: this.id };
    if (this.identity.info !== undefined) info.conn_info = this.identity.info;
    if (chanInfo !== undefined) info.chan_info = chanInfo;
    return info;
  }

  /** Subscribed and live: what `subscribed` means to permission rules. */
  isSubscribed(channel: string): boolean {
    return this.subs.get(channel)?.buffer.live === true;
  }

  describe(): string {
    return `client ${this.id} user "${this.identity.user}"`;
  }

  reply(reply: Reply): void {
    this.queue.push(this.codec.encodeReply(reply), 'high');
  }

  push(push: Push, priority: Priority = 'normal'): void {
    this.queue.push(this.codec.encodePush(push), priority);
  }

  /** Runs `task` after everything already on the command chain; a failure closes or logs as `fail`. */
  enqueue(task: () => Promise<void> | void): void {
    this.chained++;
    this.chain = (this.chain ?? Promise.resolve()).then(task).then(
      () => this.unchain(),
      (err: unknown) => {
        try {
          this.failUnanswered(err);
        } finally {
          this.unchain();
        }
      },
    );
  }

  private unchain(): void {
    if (--this.chained === 0) this.chain = undefined;
  }

  /** A failure with no command to answer: a disconnect when it calls for one, else a debug line. */
  failUnanswered(err: unknown): void {
    const error = this.fail(err);
    if (error) this.node.log.report('debug', `error ${error.code}`, `error ${error.code} ${error.message} on an id-less command`, this.describe());
  }

  /**
   * Maps a failure to a protocol error, or disconnects for a `DisconnectError`; returns the error
   * to answer with, or undefined when the session was closed.
   */
  fail(err: unknown): StreamingError | undefined {
    const error = err instanceof StreamingError || err instanceof DisconnectError ? err : toProtocolError(err, this.node.log);
    if (error instanceof DisconnectError) {
      this.disconnect(error.code, error.detail, error.reason);
      return undefined;
    }
    return error;
  }

  /** Closes the connection with a protocol disconnect code; the reason is logged at verbose, summarised per code. */
  disconnect(code: number, detail?: string, reason = disconnectReasons[code as DisconnectCode] ?? 'disconnect'): void {
    if (this.state === 'closed') return;
    // Only our own failure is worth more than verbose: the rest is the client's doing, or ours on purpose.
    const level = code === DisconnectCode.ServerError ? 'error' : 'verbose';
    this.node.log.report(level, `disconnect ${code}`, `disconnect: ${code} ${reason}${detail ? ` (${detail})` : ''}`, this.describe());
    this.queue.close();
    this.connection.close(code, reason);
    this.close(code, reason);
  }

  /** Marks the session closed and releases the queue; the owner's `released` releases the rest. */
  close(code: number, reason: string): void {
    if (this.state === 'closed') return;
    const wasConnected = this.state === 'connected';
    this.state = 'closed';
    this.queue.close();
    this.session.released(code, reason, wasConnected);
  }
}

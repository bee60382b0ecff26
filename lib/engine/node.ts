import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Authenticator } from '../auth/authenticator.interface.js';
import type { Backend } from '../backends/backend.interface.js';
import type { BrokerEvents, ControlMessage } from '../broker/broker.interface.js';
import type { Connection } from '../delivery/connection.interface.js';
import { FlushScheduler } from '../delivery/flush-scheduler.js';
import { QueueBudget } from '../delivery/queue-budget.js';
import { LogSummarizer } from '../logging/log-summarizer.js';
import { historyEnabled } from '../options/namespace-options.js';
import type { ResolvedStreamingOptions } from '../options/resolve-options.js';
import type { Codec } from '../protocol/codec.js';
import { jsonCodec } from '../protocol/codecs.js';
import { EncodedPush } from '../protocol/encoded-push.js';
import { DisconnectCode } from '../protocol/codes.js';
import type { Publication, StreamPosition, WireClientInfo } from '../protocol/frames.js';
import { AUTHENTICATOR, BACKEND, HANDLER_HOOKS, STREAMING_OPTIONS } from '../streaming.constants.js';
import { PermissionChecker } from '../permissions/permission-checker.js';
import { ChannelResolver } from './channel-resolver.js';
import { ClientSession } from './client-session.js';
import type { HandlerHooks } from './handler-hooks.interface.js';
import { Hub } from './hub.js';

export interface NodePublishOptions {
  skipHistory?: boolean;
  /** Low priority for slow readers, and never in history (typing, cursors). */
  ephemeral?: boolean;
}

/**
 * The engine of one process: sessions, the local hub, and the bridge to the backend. Publications
 * coming back from the broker are encoded once and the same bytes queued to every subscriber.
 */
@Injectable()
export class Node implements BrokerEvents, OnModuleInit, OnModuleDestroy {
  readonly id = randomUUID();
  readonly startedAt = Date.now();
  readonly logger = new Logger('Streaming');
  /** Lines a client can cause go through here: one line per cause and second under a flood. */
  readonly log = new LogSummarizer(this.logger);
  readonly scheduler: FlushScheduler;
  readonly hub = new Hub<ClientSession>();
  readonly budget: QueueBudget;

  constructor(
    @Inject(STREAMING_OPTIONS) readonly options: ResolvedStreamingOptions,
    @Inject(BACKEND) private readonly backend: Backend,
    @Inject(AUTHENTICATOR) readonly authenticator: Authenticator,
    @Inject(HANDLER_HOOKS) readonly hooks: HandlerHooks,
    readonly resolver: ChannelResolver,
    readonly permissions: PermissionChecker,
  ) {
    this.budget = new QueueBudget(options.limits.maxQueuedBytes);
    this.scheduler = new FlushScheduler(options.delivery.maxDelay);
  }

  get broker() {
    return this.backend.broker;
  }
  get history() {
    return this.backend.history;
  }
  get presence() {
    return this.backend.presence;
  }

  async onModuleInit(): Promise<void> {
    await this.backend.broker.start(this);
  }

  /** A session speaking `codec`, JSON unless the transport negotiated protobuf. */
  createSession(connection: Connection, headers: IncomingHttpHeaders, codec: Codec = jsonCodec): ClientSession {
    return new ClientSession(this, connection, headers, codec);
  }

  async addSubscription(channel: string, session: ClientSession): Promise<void> {
    if (this.hub.subscribe(channel, session)) await this.broker.subscribe(channel);
  }

  async removeSubscription(channel: string, session: ClientSession): Promise<void> {
    if (this.hub.unsubscribe(channel, session)) await this.broker.unsubscribe(channel);
  }

  /** Publishes into a channel, into its history when the namespace keeps one. */
  async publish(channel: string, publication: Publication, opts: NodePublishOptions = {}): Promise<StreamPosition | undefined> {
    const ns = this.resolver.resolve(channel).options;
    const history =
      historyEnabled(ns) && !opts.skipHistory && !opts.ephemeral
        ? { size: ns.historySize, ttl: ns.historyTtl, metaTtl: ns.historyMetaTtl }
        : undefined;
    return this.broker.publish(channel, publication, { history, ephemeral: opts.ephemeral });
  }

  onPublication(channel: string, publication: Publication, _position?: StreamPosition, ephemeral?: boolean): void {
    const subscribers = this.hub.subscribers(channel);
    if (!subscribers) return;
    const encoded = new EncodedPush({ channel, pub: publication }, (codec, err) =>
      this.logger.error(`publication to ${channel} cannot be encoded as ${codec.name}, dropped: ${String(err)}`),
    );
    const priority = ephemeral ? 'low' : 'normal';
    for (const session of subscribers) session.deliverPublication(channel, publication, encoded, priority);
  }

  onJoin(channel: string, info: WireClientInfo): void {
    this.deliverJoinLeave(channel, { join: { info } });
  }

  onLeave(channel: string, info: WireClientInfo): void {
    this.deliverJoinLeave(channel, { leave: { info } });
  }

  private deliverJoinLeave(channel: string, body: { join: { info: WireClientInfo } } | { leave: { info: WireClientInfo } }): void {
    const subscribers = this.hub.subscribers(channel);
    if (!subscribers) return;
    // In a big channel every join costs a push per subscriber: a connect flood would multiply into millions.
    const cap = this.options.limits.maxJoinLeaveSubscribers;
    if (cap > 0 && subscribers.size > cap) return;
    const encoded = new EncodedPush({ channel, ...body }, (codec, err) =>
      this.logger.error(`join/leave in ${channel} cannot be encoded as ${codec.name}, dropped: ${String(err)}`),
    );
    for (const session of subscribers) session.deliverJoinLeave(channel, encoded);
  }

  onControl(message: ControlMessage): void {
    const sessions = this.hub.sessionsOf(message.user);
    if (!sessions) return;
    for (const session of [...sessions]) {
      if (message.client && session.id !== message.client) continue;
      if (message.type === 'disconnect') session.disconnect(message.code, undefined, message.reason);
      else void session.serverUnsubscribe(message.channel);
    }
  }

  /** Closes every connection with 3001 shutdown, so clients reconnect elsewhere. */
  async shutdown(): Promise<void> {
    for (const session of [...this.hub.allSessions()]) session.disconnect(DisconnectCode.Shutdown);
  }

  async onModuleDestroy(): Promise<void> {
    await this.shutdown();
    this.log.close();
    await Promise.all([this.broker.close(), this.history.close(), this.presence.close()]);
  }
}

import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Authenticator } from '../auth/authenticator.interface.js';
import type { Backend } from '../backends/backend.interface.js';
import type { BrokerEvents, ControlMessage } from '../broker/broker.interface.js';
import { StreamingEvents, type StreamingEvent } from '../events/streaming-events.js';
import type { StreamingObserver } from '../events/streaming-observer.interface.js';
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
import { AUTHENTICATOR, BACKEND, ENGINE_METER, HANDLER_HOOKS, STREAMING_OBSERVERS, STREAMING_OPTIONS } from '../streaming.constants.js';
import { PermissionChecker } from '../permissions/permission-checker.js';
import { ChannelResolver } from './channel-resolver.js';
import { ClientSession } from './client-session.js';
import type { EngineMeter } from './engine-meter.js';
import type { HandlerHooks } from './handler-hooks.interface.js';
import { drainBatches } from './drain-batches.js';
import { Hub } from './hub.js';
import { IdempotencyCache } from './idempotency-cache.js';

export interface NodePublishOptions {
  skipHistory?: boolean;
  /** A publish with a key already used on this channel within `idempotencyWindow` returns the first result and publishes nothing. */
  idempotencyKey?: string;
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
  /** Set while the node drains before shutdown; the readiness check reads it. */
  draining = false;
  /** Set once `shutdown` began: no session is wanted any more. */
  stopped = false;
  private readonly connectedAt = new WeakMap<ClientSession, number>();
  /** Connected sessions whose cleanup (unsubscribe, leave presence) has not finished. */
  private connected = 0;
  private allGone?: () => void;
  private shutdownDone?: Promise<void>;
  private readonly idempotency: IdempotencyCache<StreamPosition | undefined>;

  constructor(
    @Inject(STREAMING_OPTIONS) readonly options: ResolvedStreamingOptions,
    @Inject(BACKEND) private readonly backend: Backend,
    @Inject(AUTHENTICATOR) readonly authenticator: Authenticator,
    @Inject(HANDLER_HOOKS) readonly hooks: HandlerHooks,
    readonly resolver: ChannelResolver,
    readonly permissions: PermissionChecker,
    @Inject(STREAMING_OBSERVERS) private readonly observers: StreamingObserver[],
    @Inject(ENGINE_METER) readonly meter: EngineMeter,
  ) {
    this.budget = new QueueBudget(options.limits.maxQueuedBytes, () => meter.droppedLowPriority());
    this.idempotency = new IdempotencyCache(options.idempotencyWindow * 1000);
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
  createSession(connection: Connection, codec: Codec = jsonCodec): ClientSession {
    return new ClientSession(this, this.meter.meterConnection(connection), codec);
  }

  /** Whether the backend answers; rejects with the reason when it does not. */
  async pingBackend(): Promise<void> {
    await this.backend.ping();
  }

  async addSubscription(channel: string, session: ClientSession): Promise<void> {
    if (!this.hub.subscribe(channel, session)) return;
    this.emit({ name: StreamingEvents.ChannelOccupied, payload: { channel } });
    await this.broker.subscribe(channel);
  }

  async removeSubscription(channel: string, session: ClientSession): Promise<void> {
    if (!this.hub.unsubscribe(channel, session)) return;
    this.emit({ name: StreamingEvents.ChannelVacated, payload: { channel } });
    await this.broker.unsubscribe(channel);
  }

  /** Publishes into a channel, into its history when the namespace keeps one. */
  async publish(channel: string, publication: Publication, opts: NodePublishOptions = {}): Promise<StreamPosition | undefined> {
    const ns = this.resolver.resolve(channel).options;
    const history =
      historyEnabled(ns) && !opts.skipHistory && !opts.ephemeral
        ? { size: ns.historySize, ttl: ns.historyTtl, metaTtl: ns.historyMetaTtl }
        : undefined;
    const publish = async (): Promise<StreamPosition | undefined> => {
      const position = await this.broker.publish(channel, publication, { history, ephemeral: opts.ephemeral });
      const { data, tags, info } = publication;
      this.emit({ name: StreamingEvents.Published, payload: { channel, data, tags, info, ...position } });
      return position;
    };
    if (opts.idempotencyKey === undefined) return publish();
    // The channel is part of the key: the same key on two channels names two publications.
    return this.idempotency.run(JSON.stringify([channel, opts.idempotencyKey]), publish);
  }

  /** Channels with subscribers on this node, with their local subscriber counts. */
  channels(matches: (channel: string) => boolean = () => true): Map<string, number> {
    const found = new Map<string, number>();
    for (const channel of this.hub.channelNames()) {
      if (matches(channel)) found.set(channel, this.hub.localSubscribers(channel));
    }
    return found;
  }

  async addPresence(channel: string, info: WireClientInfo): Promise<void> {
    await this.presence.add(channel, info);
    this.emit({ name: StreamingEvents.PresenceChanged, payload: { channel, action: 'join', client: info.client, user: info.user } });
  }

  async removePresence(channel: string, info: WireClientInfo): Promise<void> {
    await this.presence.remove(channel, info.client);
    this.emit({ name: StreamingEvents.PresenceChanged, payload: { channel, action: 'leave', client: info.client, user: info.user } });
  }

  clientConnected(session: ClientSession): void {
    this.connected++;
    this.connectedAt.set(session, Date.now());
    const { id: client, user, transport, info: connInfo } = session.info;
    this.log.report('verbose', 'connection opened', `connection opened over ${transport}`, `client ${client} user "${user}"`);
    this.emit({ name: StreamingEvents.Connected, payload: { client, user, transport, connInfo } });
  }

  clientDisconnected(session: ClientSession, code: number, reason: string): void {
    const duration = (Date.now() - (this.connectedAt.get(session) ?? Date.now())) / 1000;
    const line = `connection closed: ${code} ${reason} after ${duration.toFixed(1)} s`;
    this.log.report('verbose', `connection closed ${code}`, line, `client ${session.id} user "${session.user}"`);
    this.emit({ name: StreamingEvents.Disconnected, payload: { client: session.id, user: session.user, code, reason, duration } });
    if (--this.connected === 0) this.allGone?.();
  }

  clientSubscribed(session: ClientSession, channel: string, serverSide: boolean): void {
    this.emit({ name: StreamingEvents.Subscribed, payload: { client: session.id, user: session.user, channel, serverSide } });
  }

  clientUnsubscribed(session: ClientSession, channel: string): void {
    this.emit({ name: StreamingEvents.Unsubscribed, payload: { client: session.id, user: session.user, channel } });
  }

  /** The one place events leave the engine: an observer's fault is logged, never the engine's problem. */
  private emit(event: StreamingEvent): void {
    for (const observer of this.observers) {
      try {
        observer.observe(event);
      } catch (err) {
        this.logger.error(`observer of ${event.name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      }
    }
  }

  onPublication(channel: string, publication: Publication, _position?: StreamPosition, ephemeral?: boolean): void {
    const subscribers = this.hub.subscribers(channel);
    if (!subscribers) return;
    const started = performance.now();
    const encoded = new EncodedPush({ channel, pub: publication }, (codec, err) =>
      this.logger.error(`publication to ${channel} cannot be encoded as ${codec.name}, dropped: ${String(err)}`),
    );
    const priority = ephemeral ? 'low' : 'normal';
    for (const session of subscribers) session.deliverPublication(channel, publication, encoded, priority);
    if (!this.meter.active) return;
    this.meter.delivered(channel, subscribers.size);
    this.scheduler.afterFlush(() => this.meter.sent((performance.now() - started) / 1000));
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
      switch (message.type) {
        case 'disconnect':
          if (!message.whitelist?.includes(session.id)) session.disconnect(message.code, undefined, message.reason);
          break;
        case 'unsubscribe':
          void session.serverUnsubscribe(message.channel);
          break;
        case 'subscribe':
          session.serverSubscribe(message);
          break;
        case 'refresh':
          session.serverRefresh(message);
          break;
      }
    }
  }

  /**
   * Drains the node, once however often it is called: readiness fails, connected clients get 3001
   * (reconnect elsewhere) in batches spread over `shutdown.drainPeriod`, each after its queue is
   * written, and the returned promise settles when their cleanup (unsubscribe, leave presence) is
   * done or `websocket.closeTimeout` has passed.
   */
  shutdown(): Promise<void> {
    return (this.shutdownDone ??= this.drain());
  }

  private async drain(): Promise<void> {
    this.stopped = true;
    this.draining = true;
    const sessions = [...this.hub.allSessions()];
    for (const batch of drainBatches(sessions, this.options.drainPeriod * 1000)) {
      if (batch.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, batch.delayMs));
      for (const session of batch.sessions) session.disconnect(DisconnectCode.Shutdown);
    }
    if (this.connected === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise<void>((resolve) => (this.allGone = resolve)),
      new Promise((resolve) => (timer = setTimeout(resolve, this.options.websocket.closeTimeout * 1000))),
    ]);
    clearTimeout(timer);
  }

  /** Nest destroys dependents first: the transports have stopped taking connections by now. */
  async onModuleDestroy(): Promise<void> {
    await this.shutdown();
    this.log.close();
    await Promise.all([this.broker.close(), this.history.close(), this.presence.close()]);
  }
}

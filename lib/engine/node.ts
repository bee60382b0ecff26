import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Authenticator, Identity } from '../auth/authenticator.interface.js';
import type { Backend } from '../backends/backend.interface.js';
import type { ControlMessage } from '../broker/broker.interface.js';
import { StreamingEvents } from '../events/streaming-events.js';
import type { StreamingObserver } from '../events/streaming-observer.interface.js';
import { FlushScheduler } from '../delivery/flush-scheduler.js';
import { queueLimits, type SharedQueueParts } from '../delivery/outbound-queue.js';
import { QueueBudget } from '../delivery/queue-budget.js';
import type { HistoryPage } from '../history/history-store.interface.js';
import { IDEMPOTENCY_STORE, type IdempotencyStore } from '../idempotency/idempotency-store.interface.js';
import { IdempotentRuns } from '../idempotency/idempotent-runs.js';
import { LIMIT_STORE, type LimitStore } from '../limits/limit-store.interface.js';
import { SharedLimits } from '../limits/shared-limits.js';
import { LogSummarizer } from '../logging/log-summarizer.js';
import { historyEnabled, historyLimits, type ResolvedNamespaceOptions } from '../options/namespace-options.js';
import type { ResolvedStreamingOptions } from '../options/resolve-options.js';
import { CHANNEL_ACCESS, type ChannelAccess } from '../permissions/channel-access.interface.js';
import { Permission } from '../permissions/permission.enum.js';
import type { PresenceStats } from '../presence/presence-store.interface.js';
import { DisconnectCode, ErrorCode } from '../protocol/codes.js';
import type { Publication, StreamPosition, WireClientInfo } from '../protocol/frames.js';
import { StreamingError } from '../protocol/protocol-error.js';
import { AUTHENTICATOR, BACKEND, ENGINE_METER, HANDLER_HOOKS, STREAMING_OBSERVERS, STREAMING_OPTIONS } from '../streaming.constants.js';
import { PermissionChecker } from '../permissions/permission-checker.js';
import { BrokerListener } from './broker-listener.js';
import { ChannelResolver } from './channel-resolver.js';
import { drainBatches } from './drain-batches.js';
import type { EngineMeter } from './engine-meter.js';
import type { EngineSession } from './engine-session.interface.js';
import type { HandlerHooks } from './handler-hooks.interface.js';
import { Hub } from './hub.js';
import type { NodeHistoryQuery, NodePublishOptions } from './node-queries.js';
import { NodeObservers } from './node-observers.js';
import { nodeInfo, NodeRegistry } from './node-registry.js';
import { PresenceRefresher } from './presence-refresher.js';
import { SessionLifecycle } from './session-lifecycle.js';
import { SessionTimers } from './session-timers.js';
import type { PublicationHook } from './publication-hook.interface.js';

/**
 * The engine of one process: its sessions (the hub), and the only way to the backend's stores:
 * publish, history, presence, join/leave and control messages go through here, for client
 * sessions and for `StreamingManager` alike, with the namespace checks they share.
 */
@Injectable()
export class Node implements OnModuleInit, OnModuleDestroy {
  readonly id = randomUUID();
  readonly startedAt = Date.now();
  readonly logger = new Logger('Streaming');
  /** Lines a client can cause go through here: one line per cause and second under a flood. */
  readonly log = new LogSummarizer(this.logger);
  readonly scheduler: FlushScheduler;
  readonly hub = new Hub<EngineSession>();
  readonly budget: QueueBudget;
  /** The scheduler, limits and budget every session's queue shares. */
  readonly queueParts: SharedQueueParts;
  /** Every session's pings, pong and connect deadlines, on a timer per kind rather than per connection. */
  readonly timers: SessionTimers;
  /** Set while the node drains before shutdown; the readiness check reads it. */
  draining = false;
  /** Set once `shutdown` began: no session is wanted any more. */
  stopped = false;
  private readonly events: NodeObservers;
  /** Sessions opening, subscribing and closing: their events, log lines and the count shutdown waits on. */
  readonly lifecycle: SessionLifecycle;
  private shutdownDone?: Promise<void>;
  /** The limits counted across connections (and nodes, with a shared store). */
  readonly limits: SharedLimits;
  private readonly idempotency: IdempotentRuns<StreamPosition | undefined>;
  private readonly presenceRefresher: PresenceRefresher;
  private readonly listener: BrokerListener;
  /** Every node of the system, this one included. */
  readonly nodes: NodeRegistry;
  private publicationHook?: PublicationHook;

  constructor(
    @Inject(STREAMING_OPTIONS) readonly options: ResolvedStreamingOptions,
    @Inject(BACKEND) private readonly backend: Backend,
    @Inject(AUTHENTICATOR) readonly authenticator: Authenticator,
    @Inject(HANDLER_HOOKS) readonly hooks: HandlerHooks,
    readonly resolver: ChannelResolver,
    readonly permissions: PermissionChecker,
    @Inject(STREAMING_OBSERVERS) observers: StreamingObserver[],
    @Inject(CHANNEL_ACCESS) private readonly access: ChannelAccess,
    @Inject(ENGINE_METER) readonly meter: EngineMeter,
    @Inject(LIMIT_STORE) limitStore: LimitStore,
    @Inject(IDEMPOTENCY_STORE) idempotencyStore: IdempotencyStore,
  ) {
    this.events = new NodeObservers(observers, this.logger);
    this.lifecycle = new SessionLifecycle(this.events, this.log, this.startedAt);
    this.budget = new QueueBudget(options.limits.maxQueuedBytes, () => meter.droppedLowPriority());
    this.limits = new SharedLimits(limitStore, options.limits, options.presenceTtl, this.log);
    this.idempotency = new IdempotentRuns(idempotencyStore, options.idempotencyWindow, this.logger);
    this.scheduler = new FlushScheduler(options.delivery.maxDelay);
    this.timers = new SessionTimers(options.websocket);
    this.queueParts = { scheduler: this.scheduler, limits: queueLimits(options), budget: this.budget };
    this.presenceRefresher = new PresenceRefresher(backend.presence, options.presenceTtl, this.logger);
    const namespace = (channel: string) => resolver.resolve(channel).options;
    const self = () => nodeInfo(this.id, options.nodeName, this.startedAt, this.hub);
    this.nodes = new NodeRegistry(this.id, self, (announcement) => backend.broker.publishControl(announcement), this.logger);
    this.listener = new BrokerListener(this.hub, this.logger, options.limits.maxJoinLeaveSubscribers, meter, this.scheduler, namespace, this.nodes, backend.history);
  }

  async onModuleInit(): Promise<void> {
    await this.backend.broker.start(this.listener);
    this.nodes.start();
    this.presenceRefresher.start();
    this.limits.start();
  }

  /** Whether the backend answers; rejects with the reason when it does not. */
  async pingBackend(): Promise<void> {
    await this.backend.ping();
  }

  async addSubscription(channel: string, session: EngineSession): Promise<void> {
    if (!this.hub.subscribe(channel, session)) return;
    this.events.emit({ name: StreamingEvents.ChannelOccupied, payload: { channel } });
    await this.backend.broker.subscribe(channel);
    this.listener.channelOccupied(channel);
  }

  async removeSubscription(channel: string, session: EngineSession): Promise<void> {
    if (!this.hub.unsubscribe(channel, session)) return;
    this.listener.channelVacated(channel);
    this.events.emit({ name: StreamingEvents.ChannelVacated, payload: { channel } });
    await this.backend.broker.unsubscribe(channel);
  }

  /**
   * Whether the client may act in the channel: the synchronous rules first (`PermissionChecker`),
   * then the asynchronous `ChannelAccess`; 103 when either refuses.
   */
  async authorize(identity: Identity, channel: string, permission: Permission, context: { subscribed: boolean; token?: boolean }): Promise<void> {
    const { subscribed, token = false } = context;
    const allowed =
      permission === Permission.Subscribe
        ? (this.permissions.permissionsFor(identity, channel, { token }) & Permission.Subscribe) !== 0
        : this.permissions.can(identity, channel, permission, { subscribed });
    if (!allowed || !(await this.access.allows({ identity, channel, permission, subscribed, token }))) {
      throw new StreamingError(ErrorCode.PermissionDenied);
    }
  }

  /** Publishes into a channel, into its history when the namespace keeps one. */
  async publish(channel: string, publication: Publication, opts: NodePublishOptions = {}): Promise<StreamPosition | undefined> {
    const ns = this.resolver.resolve(channel).options;
    const history = opts.skipHistory || opts.ephemeral ? undefined : historyLimits(ns);
    const hook = ns.messages && !opts.ephemeral ? this.publicationHook : undefined;
    const publish = async (): Promise<StreamPosition | undefined> => {
      await hook?.prepare(channel, publication);
      const position = await this.backend.broker.publish(channel, publication, { history, ephemeral: opts.ephemeral });
      await hook?.published(channel, publication, position);
      const { data, tags, info } = publication;
      this.events.emit({ name: StreamingEvents.Published, payload: { channel, data, tags, info, ...position } });
      return position;
    };
    if (opts.idempotencyKey === undefined || this.options.idempotencyWindow === 0) return publish();
    // The channel is part of the key: the same key on two channels names two publications.
    return this.idempotency.run(JSON.stringify([channel, opts.idempotencyKey]), publish);
  }

  async publishJoin(channel: string, info: WireClientInfo): Promise<void> {
    await this.backend.broker.publishJoin(channel, info);
  }

  async publishLeave(channel: string, info: WireClientInfo): Promise<void> {
    await this.backend.broker.publishLeave(channel, info);
  }

  /** A control message to every node: the addressed sessions run it on their command chains. */
  async publishControl(message: ControlMessage): Promise<void> {
    await this.backend.broker.publishControl(message);
  }

  /** The namespace options of a channel whose namespace has the feature on; 108 otherwise. */
  featureOptions(channel: string, feature: 'presence' | 'history'): ResolvedNamespaceOptions {
    const ns = this.resolver.resolve(channel).options;
    if (feature === 'presence' && !ns.presence) throw StreamingError.of(ErrorCode.NotAvailable, `presence is off for ${channel}`);
    if (feature === 'history' && !historyEnabled(ns)) {
      throw StreamingError.of(ErrorCode.NotAvailable, `history is off for ${channel} (its namespace needs historySize and historyTtl)`);
    }
    return ns;
  }

  /** A page of history; `ns` are the options in force (a subscription token may override the namespace's). */
  async history(channel: string, query: NodeHistoryQuery, ns = this.featureOptions(channel, 'history')): Promise<HistoryPage> {
    return this.backend.history.read(channel, { ...query, metaTtl: ns.historyMetaTtl });
  }

  async streamPosition(channel: string, ns: ResolvedNamespaceOptions): Promise<StreamPosition> {
    return this.backend.history.position(channel, ns.historyMetaTtl);
  }

  /** Drops a channel's history; its next publication starts a new epoch. */
  async removeHistory(channel: string): Promise<void> {
    this.featureOptions(channel, 'history');
    await this.backend.history.remove(channel);
  }

  async presence(channel: string): Promise<Record<string, WireClientInfo>> {
    this.featureOptions(channel, 'presence');
    return this.backend.presence.get(channel);
  }

  async presenceStats(channel: string): Promise<PresenceStats> {
    this.featureOptions(channel, 'presence');
    return this.backend.presence.stats(channel);
  }

  async addPresence(channel: string, info: WireClientInfo): Promise<void> {
    await this.backend.presence.add(channel, info);
    this.presenceRefresher.track(channel, info);
    this.events.emit({ name: StreamingEvents.PresenceChanged, payload: { channel, action: 'join', client: info.client, user: info.user } });
  }

  async removePresence(channel: string, info: WireClientInfo): Promise<void> {
    this.presenceRefresher.untrack(channel, info.client);
    await this.backend.presence.remove(channel, info.client, info.user);
    this.events.emit({ name: StreamingEvents.PresenceChanged, payload: { channel, action: 'leave', client: info.client, user: info.user } });
  }

  /** Channels with subscribers on this node, with their local subscriber counts. */
  channels(matches: (channel: string) => boolean = () => true): Map<string, number> {
    const found = new Map<string, number>();
    for (const channel of this.hub.channelNames()) {
      if (matches(channel)) found.set(channel, this.hub.localSubscribers(channel));
    }
    return found;
  }

  /** The message store's hook, run around publications in namespaces with `messages`. */
  setPublicationHook(hook: PublicationHook): void {
    this.publicationHook = hook;
  }

  /**
   * Watches the node from now on: for the module's services that publish through the node themselves
   * (an observer provider injecting the node could not be one of the observers the node is made with).
   */
  addObserver(observer: StreamingObserver): void {
    this.events.add(observer);
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
    this.presenceRefresher.stop();
    this.limits.stop();
    const sessions = [...this.hub.allSessions()];
    for (const batch of drainBatches(sessions, this.options.drainPeriod * 1000)) {
      if (batch.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, batch.delayMs));
      for (const session of batch.sessions) session.disconnect(DisconnectCode.Shutdown);
    }
    await this.lifecycle.allClosed(this.options.websocket.closeTimeout * 1000);
  }

  /** Nest destroys dependents first: the transports have stopped taking connections by now. */
  async onModuleDestroy(): Promise<void> {
    await this.shutdown();
    await this.nodes.stop();
    this.log.close();
    // The backend's stores only: those the app gave in the options are the app's to close.
    const { broker, history, presence, userStatus, rooms, messages, limits, idempotency } = this.backend;
    await Promise.all([broker, history, presence, userStatus, rooms, messages, limits, idempotency].map((store) => store.close()));
  }
}

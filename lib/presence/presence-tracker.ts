import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Node } from '../engine/node.js';
import { StreamingEvents, type StreamingEvent } from '../events/streaming-events.js';
import type { StreamingObserver } from '../events/streaming-observer.interface.js';
import type { ResolvedStreamingOptions } from '../options/resolve-options.js';
import { ErrorCode } from '../protocol/codes.js';
import { StreamingError } from '../protocol/protocol-error.js';
import { STREAMING_OPTIONS } from '../streaming.constants.js';
import { UserChannels } from './user-channels.js';
import { USER_STATUS_STORE, type UserStatusStore } from './user-status-store.interface.js';
import { settableStatuses, type StatusName, type UserStatus } from './user-status.js';

/** The `type` tag of status publications. */
export const PRESENCE_TYPE = 'presence';

/** Longest status text kept. */
const MAX_TEXT = 200;

/** A channel's presence folded per user: three tabs of one user are one entry with `clients: 3`. */
export interface OnlineUser extends UserStatus {
  user: string;
  clients: number;
}

/**
 * Per-user status: `online`, `away`, `busy` (set by the user or the server) or `offline` (when the
 * user's last connection closed, after `presenceStatus.offlineGrace` so a reload does not flap),
 * with a text and `lastSeen`. A change is published, not kept in history, tagged `type: presence`
 * with data `{ user, status, text, lastSeen }`, to the presence channels the user is in (on this
 * node) and those they left since the last change.
 */
@Injectable()
export class PresenceTracker implements StreamingObserver, OnModuleInit, OnModuleDestroy {
  private readonly channels = new UserChannels();
  private readonly offlineTimers = new Map<string, NodeJS.Timeout>();
  /** Per user, so that a connect and a disconnect of one user are counted in the order they happened. */
  private readonly chains = new Map<string, Promise<void>>();

  constructor(
    private readonly node: Node,
    @Inject(USER_STATUS_STORE) private readonly store: UserStatusStore,
    @Inject(STREAMING_OPTIONS) private readonly options: ResolvedStreamingOptions,
  ) {}

  onModuleInit(): void {
    this.node.addObserver(this);
  }

  onModuleDestroy(): void {
    for (const timer of this.offlineTimers.values()) clearTimeout(timer);
    this.offlineTimers.clear();
  }

  /** Sets a user's status and tells their channels; `offline` is the node's to conclude, not settable. */
  async setStatus(user: string, status: StatusName, text = ''): Promise<UserStatus> {
    if (!settableStatuses.includes(status)) {
      throw StreamingError.of(ErrorCode.BadRequest, `status must be one of ${settableStatuses.join(', ')}, got ${JSON.stringify(status)}`);
    }
    if (typeof text !== 'string' || text.length > MAX_TEXT) throw StreamingError.of(ErrorCode.BadRequest, `text must be a string of ${MAX_TEXT} characters at most`);
    const next: UserStatus = { status, text, lastSeen: Date.now() };
    // After the user's connect and disconnect work: a connect still being counted has read the
    // status before this one and would write `online` over it.
    await this.inOrder(user, () => this.store.set(user, next));
    await this.tell(user, next);
    return next;
  }

  /** A user's status; `offline` with `lastSeen: 0` for a user never seen. */
  async status(user: string): Promise<UserStatus> {
    return (await this.statuses([user]))[user]!;
  }

  async statuses(users: readonly string[]): Promise<Record<string, UserStatus>> {
    const stored = await this.store.get(users);
    return Object.fromEntries(users.map((user) => [user, stored[user] ?? { status: 'offline', text: '', lastSeen: 0 }]));
  }

  /** Who is in a presence channel, one entry per user with their connection count and status. */
  async online(channel: string): Promise<OnlineUser[]> {
    const clients = Object.values(await this.node.presence(channel));
    const counts = new Map<string, number>();
    for (const { user } of clients) counts.set(user, (counts.get(user) ?? 0) + 1);
    const statuses = await this.statuses([...counts.keys()]);
    return [...counts].map(([user, n]) => ({ user, clients: n, ...statuses[user]! }));
  }

  observe(event: StreamingEvent): void {
    switch (event.name) {
      case StreamingEvents.Connected:
        return this.serial(event.payload.user, () => this.connected(event.payload.user, event.payload.client));
      case StreamingEvents.Disconnected:
        return this.serial(event.payload.user, () => this.disconnected(event.payload.user, event.payload.client));
      case StreamingEvents.Subscribed:
        if (this.isPresenceChannel(event.payload.channel)) this.channels.subscribed(event.payload.user, event.payload.channel);
        return;
      case StreamingEvents.Unsubscribed:
        this.channels.unsubscribed(event.payload.user, event.payload.channel);
        return;
    }
  }

  private async connected(user: string, client: string): Promise<void> {
    clearTimeout(this.offlineTimers.get(user));
    this.offlineTimers.delete(user);
    await this.store.connect(user, client);
    const current = await this.status(user);
    // Back from offline: online. A user who chose away or busy keeps it across a reload.
    if (current.status === 'offline') await this.store.set(user, { status: 'online', text: current.text, lastSeen: Date.now() });
  }

  private async disconnected(user: string, client: string): Promise<void> {
    if ((await this.store.disconnect(user, client)) > 0) return;
    const timer = setTimeout(() => {
      this.offlineTimers.delete(user);
      this.serial(user, () => this.wentOffline(user));
    }, this.options.presenceStatus.offlineGrace * 1000);
    timer.unref();
    this.offlineTimers.set(user, timer);
  }

  private async wentOffline(user: string): Promise<void> {
    // Another node may hold a connection of the user by now.
    if ((await this.store.connections(user)) > 0) return;
    const { text } = await this.status(user);
    const offline: UserStatus = { status: 'offline', text, lastSeen: Date.now() };
    await this.store.set(user, offline);
    await this.tell(user, offline);
  }

  private async tell(user: string, status: UserStatus): Promise<void> {
    const publication = { data: { user, ...status }, tags: { type: PRESENCE_TYPE } };
    const audience = this.channels.audience(user);
    this.channels.told(user);
    await Promise.all(audience.map((channel) => this.node.publish(channel, publication, { skipHistory: true })));
  }

  private isPresenceChannel(channel: string): boolean {
    return this.node.resolver.resolve(channel).options.presence;
  }

  /** Runs `task` after the user's status work queued so far; its failure is the caller's, the chain goes on. */
  private inOrder<T>(user: string, task: () => Promise<T>): Promise<T> {
    const run = (this.chains.get(user) ?? Promise.resolve()).then(task);
    const next = run.then(
      () => undefined,
      () => undefined,
    );
    this.chains.set(user, next);
    void next.then(() => {
      if (this.chains.get(user) === next) this.chains.delete(user);
    });
    return run;
  }

  /** Anonymous connections have no status. A store failure is logged: the next change corrects it. */
  private serial(user: string, task: () => Promise<void>): void {
    if (user === '') return;
    this.inOrder(user, task).catch((err: unknown) => this.node.logger.warn(`status of ${user} not updated: ${err instanceof Error ? err.message : String(err)}`));
  }
}

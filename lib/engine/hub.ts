/** Local index of sessions: by client id, by user and by channel. */
export class Hub<S extends { readonly id: string; readonly user: string }> {
  private readonly clients = new Map<string, S>();
  private readonly users = new Map<string, Set<S>>();
  private readonly channels = new Map<string, Set<S>>();
  private subscriptionCount = 0;

  addClient(session: S): void {
    this.clients.set(session.id, session);
    let sessions = this.users.get(session.user);
    if (!sessions) {
      sessions = new Set();
      this.users.set(session.user, sessions);
    }
    sessions.add(session);
  }

  removeClient(session: S): void {
    if (!this.clients.delete(session.id)) return;
    const sessions = this.users.get(session.user);
    sessions?.delete(session);
    if (sessions?.size === 0) this.users.delete(session.user);
  }

  /** Returns true when the session is the channel's first local subscriber. */
  subscribe(channel: string, session: S): boolean {
    let subscribers = this.channels.get(channel);
    const first = !subscribers;
    if (!subscribers) {
      subscribers = new Set();
      this.channels.set(channel, subscribers);
    }
    if (!subscribers.has(session)) {
      subscribers.add(session);
      this.subscriptionCount++;
    }
    return first;
  }

  /** Returns true when the channel has no local subscriber left. */
  unsubscribe(channel: string, session: S): boolean {
    const subscribers = this.channels.get(channel);
    if (!subscribers?.delete(session)) return false;
    this.subscriptionCount--;
    if (subscribers.size > 0) return false;
    this.channels.delete(channel);
    return true;
  }

  subscribers(channel: string): ReadonlySet<S> | undefined {
    return this.channels.get(channel);
  }

  /** Connections of `user` subscribed to `channel`: walks the user's connections, which `maxConnectionsPerUser` bounds. */
  userSubscribers(channel: string, user: string): number {
    const subscribers = this.channels.get(channel);
    const sessions = this.users.get(user);
    if (!subscribers || !sessions) return 0;
    let count = 0;
    for (const session of sessions) if (subscribers.has(session)) count++;
    return count;
  }

  sessionsOf(user: string): ReadonlySet<S> | undefined {
    return this.users.get(user);
  }

  allSessions(): IterableIterator<S> {
    return this.clients.values();
  }

  channelNames(): IterableIterator<string> {
    return this.channels.keys();
  }

  localSubscribers(channel: string): number {
    return this.channels.get(channel)?.size ?? 0;
  }

  get numClients(): number {
    return this.clients.size;
  }
  get numUsers(): number {
    return this.users.size;
  }
  get numChannels(): number {
    return this.channels.size;
  }
  get numSubscriptions(): number {
    return this.subscriptionCount;
  }
}

import type { PresenceStats, PresenceStore } from '../../presence/presence-store.interface.js';
import type { WireClientInfo } from '../../protocol/frames.js';

interface Entry {
  info: WireClientInfo;
  /** Milliseconds on `now`'s clock. */
  expiresAt: number;
}

/** Presence in process memory: channel → client id → info, each entry expiring `ttl` seconds after its last add. */
export class MemoryPresenceStore implements PresenceStore {
  private readonly channels = new Map<string, Map<string, Entry>>();

  constructor(
    private readonly ttl: number,
    private readonly now: () => number = Date.now,
  ) {}

  async add(channel: string, info: WireClientInfo): Promise<void> {
    let clients = this.channels.get(channel);
    if (!clients) {
      clients = new Map();
      this.channels.set(channel, clients);
    }
    clients.set(info.client, { info, expiresAt: this.now() + this.ttl * 1000 });
  }

  async remove(channel: string, client: string, _user: string): Promise<void> {
    const clients = this.channels.get(channel);
    if (!clients) return;
    clients.delete(client);
    if (clients.size === 0) this.channels.delete(channel);
  }

  async get(channel: string): Promise<Record<string, WireClientInfo>> {
    return Object.fromEntries([...this.live(channel)].map(([client, entry]) => [client, entry.info]));
  }

  async stats(channel: string): Promise<PresenceStats> {
    const clients = this.live(channel);
    const users = new Set<string>();
    for (const { info } of clients.values()) users.add(info.user);
    return { numClients: clients.size, numUsers: users.size };
  }

  async close(): Promise<void> {
    this.channels.clear();
  }

  /** The channel's entries, the expired ones dropped on the way. */
  private live(channel: string): Map<string, Entry> {
    const clients = this.channels.get(channel);
    if (!clients) return new Map();
    const now = this.now();
    for (const [client, entry] of clients) {
      if (entry.expiresAt <= now) clients.delete(client);
    }
    if (clients.size === 0) this.channels.delete(channel);
    return clients;
  }
}

import type { PresenceStats, PresenceStore } from '../../presence/presence-store.interface.js';
import type { WireClientInfo } from '../../protocol/frames.js';

/** Presence in process memory: channel → client id → info. */
export class MemoryPresenceStore implements PresenceStore {
  private readonly channels = new Map<string, Map<string, WireClientInfo>>();

  async add(channel: string, info: WireClientInfo): Promise<void> {
    let clients = this.channels.get(channel);
    if (!clients) {
      clients = new Map();
      this.channels.set(channel, clients);
    }
    clients.set(info.client, info);
  }

  async remove(channel: string, clientId: string): Promise<void> {
    const clients = this.channels.get(channel);
    if (!clients) return;
    clients.delete(clientId);
    if (clients.size === 0) this.channels.delete(channel);
  }

  async get(channel: string): Promise<Record<string, WireClientInfo>> {
    return Object.fromEntries(this.channels.get(channel) ?? []);
  }

  async stats(channel: string): Promise<PresenceStats> {
    const clients = this.channels.get(channel);
    if (!clients) return { numClients: 0, numUsers: 0 };
    const users = new Set<string>();
    for (const info of clients.values()) users.add(info.user);
    return { numClients: clients.size, numUsers: users.size };
  }

  async close(): Promise<void> {
    this.channels.clear();
  }
}

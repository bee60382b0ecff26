import type { UserStatusStore } from '../../presence/user-status-store.interface.js';
import type { UserStatus } from '../../presence/user-status.js';

/** Statuses and connections of one process's users. */
export class MemoryUserStatusStore implements UserStatusStore {
  private readonly statuses = new Map<string, UserStatus>();
  private readonly clients = new Map<string, Set<string>>();

  async connect(user: string, client: string): Promise<number> {
    let clients = this.clients.get(user);
    if (!clients) {
      clients = new Set();
      this.clients.set(user, clients);
    }
    clients.add(client);
    return clients.size;
  }

  async disconnect(user: string, client: string): Promise<number> {
    const clients = this.clients.get(user);
    clients?.delete(client);
    if (clients?.size === 0) this.clients.delete(user);
    return clients?.size ?? 0;
  }

  async connections(user: string): Promise<number> {
    return this.clients.get(user)?.size ?? 0;
  }

  async get(users: readonly string[]): Promise<Record<string, UserStatus>> {
    const found: Record<string, UserStatus> = {};
    for (const user of users) {
      const status = this.statuses.get(user);
      if (status) found[user] = { ...status };
    }
    return found;
  }

  async set(user: string, status: UserStatus): Promise<void> {
    this.statuses.set(user, { ...status });
  }

  async close(): Promise<void> {
    this.statuses.clear();
    this.clients.clear();
  }
}

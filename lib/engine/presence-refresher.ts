import type { Logger } from '@nestjs/common';
import type { PresenceStore } from '../presence/presence-store.interface.js';
import type { WireClientInfo } from '../protocol/frames.js';

/**
 * The node's presence loop (as centrifuge's `updatePresence`): every third of `presenceTtl` it
 * adds again the entries of its own clients, so a store that expires entries keeps the living
 * ones and drops those of a node that died without removing them.
 */
export class PresenceRefresher {
  private readonly entries = new Map<string, Map<string, WireClientInfo>>();
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    private readonly store: PresenceStore,
    /** Seconds an entry lives in the store without a refresh. */
    private readonly ttl: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.refresh(), (this.ttl * 1000) / 3);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  track(channel: string, info: WireClientInfo): void {
    let clients = this.entries.get(channel);
    if (!clients) {
      clients = new Map();
      this.entries.set(channel, clients);
    }
    clients.set(info.client, info);
  }

  untrack(channel: string, client: string): void {
    const clients = this.entries.get(channel);
    clients?.delete(client);
    if (clients?.size === 0) this.entries.delete(channel);
  }

  /** One pass; a pass still running (a slow store) is not doubled. */
  async refresh(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (const [channel, clients] of this.entries) {
        for (const info of clients.values()) {
          // Still tracked: it may have left while an earlier add of this pass was awaited.
          if (this.entries.get(channel)?.get(info.client) !== info) continue;
          await this.store.add(channel, info);
        }
      }
    } catch (err) {
      this.logger.warn(`presence refresh failed, retried in ${Math.round(this.ttl / 3)} s: ${String(err)}`);
    } finally {
      this.running = false;
    }
  }
}

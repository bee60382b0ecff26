import type { LoggerService } from '@nestjs/common';
import type { NodeAnnouncement, NodeInfo } from '../broker/broker.interface.js';

/** A node's numbers as its hub counts them. */
export function nodeInfo(uid: string, name: string, startedAt: number, hub: Omit<NodeInfo, 'uid' | 'name' | 'uptime'>): NodeInfo {
  const { numClients, numUsers, numChannels, numSubscriptions } = hub;
  return { uid, name, numClients, numUsers, numChannels, numSubscriptions, uptime: Math.floor((Date.now() - startedAt) / 1000) };
}

/** How often a node announces itself, as Centrifuge's nodes do. */
export const NODE_INFO_INTERVAL = 3000;

/**
 * The nodes of the system, as their announcements on the control channel tell: each node publishes
 * its info every `interval`; one not heard of for two intervals and a second more is gone (a node
 * killed without a word), and one shutting down says so. A node heard of for the first time is
 * answered at once, so a new node learns the others without waiting for their next turn.
 */
export class NodeRegistry {
  private readonly others = new Map<string, { info: NodeInfo; heardAt: number }>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly uid: string,
    /** This node's info as it is now. */
    private readonly self: () => NodeInfo,
    private readonly publish: (announcement: NodeAnnouncement) => Promise<void>,
    private readonly logger: LoggerService,
    private readonly now: () => number = Date.now,
    private readonly interval = NODE_INFO_INTERVAL,
  ) {}

  start(): void {
    void this.announce();
    this.timer = setInterval(() => void this.announce(), this.interval);
    this.timer.unref();
  }

  /** Stops announcing and tells the others this node leaves. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.announce(true);
  }

  heard({ info, leaving }: NodeAnnouncement): void {
    if (info.uid === this.uid) return;
    if (leaving) {
      this.others.delete(info.uid);
      return;
    }
    const known = this.others.has(info.uid);
    this.others.set(info.uid, { info, heardAt: this.now() });
    if (!known) void this.announce();
  }

  /** This node as it is now, then the others heard from lately, by name. */
  list(): NodeInfo[] {
    const now = this.now();
    const maxSilence = 2 * this.interval + 1000;
    const others: NodeInfo[] = [];
    for (const [uid, { info, heardAt }] of this.others) {
      if (now - heardAt > maxSilence) this.others.delete(uid);
      else others.push(info);
    }
    others.sort((a, b) => a.name.localeCompare(b.name) || a.uid.localeCompare(b.uid));
    return [this.self(), ...others];
  }

  private async announce(leaving = false): Promise<void> {
    try {
      await this.publish({ type: 'node', info: this.self(), ...(leaving ? { leaving: true } : {}) });
    } catch (err) {
      // The backend is away (its own errors are logged where they happen): the next turn tries again.
      this.logger.debug?.(`node info not announced: ${String(err)}`);
    }
  }
}

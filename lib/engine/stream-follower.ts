import type { HistoryPage } from '../history/history-store.interface.js';
import type { Publication, StreamPosition } from '../protocol/frames.js';

/** What the follower does with the world: reads history, delivers, gives a channel up. */
export interface StreamFollowerIo {
  /** The publications after `since`, oldest first; rejects when they cannot be read (another epoch: 112, the backend away). */
  read(channel: string, since: StreamPosition): Promise<HistoryPage>;
  /** Hands a publication to the node's subscribers of the channel. */
  deliver(channel: string, publication: Publication): void;
  /** What the channel's subscribers missed cannot be delivered by the node: they must recover it themselves. */
  lost(channel: string, reason: unknown): void;
}

interface Followed {
  epoch: string;
  /** The last offset delivered, or the stream's top when the node began following it (`delivered` false). */
  offset: number;
  /** False while `offset` is a top read from history, not a publication this node delivered. */
  delivered: boolean;
  /** Set while history is read to fill a gap: what arrives meanwhile waits here. */
  held?: Array<{ publication: Publication; position: StreamPosition }>;
  /** A gap was reported while reading: read once more after. */
  again?: boolean;
}

/**
 * Keeps what a node delivers of each channel with history gap-free and in offset order, as
 * Centrifuge's recovery does for one client, but once per node and channel: a publication whose
 * offset skips ahead, or a broker that lost messages (its pub/sub connection dropped), makes the
 * follower read the missing publications from history and deliver them first, holding what
 * arrives meanwhile; duplicates (a read overlapping live delivery) are dropped. Subscribers see a
 * blip of latency instead of a reconnect. Only when history cannot fill the gap (trimmed past it,
 * another epoch, the backend still away) are the channel's subscribers sent to recover themselves.
 */
export class StreamFollower {
  private readonly channels = new Map<string, Followed>();

  constructor(private readonly io: StreamFollowerIo) {}

  /**
   * Begins following at the stream's top, read when the node's first subscriber arrived, so a gap
   * before any publication is noticed too. A channel already followed keeps its state.
   */
  follow(channel: string, top: StreamPosition): void {
    if (!this.channels.has(channel)) this.channels.set(channel, { ...top, delivered: false });
  }

  follows(channel: string): boolean {
    return this.channels.has(channel);
  }

  /** The channel's last local subscriber left. */
  forget(channel: string): void {
    this.channels.delete(channel);
  }

  /** A publication that went to history, from the broker. */
  publication(channel: string, publication: Publication, position: StreamPosition): void {
    const state = this.channels.get(channel);
    if (!state || (state.epoch !== position.epoch && !state.held)) {
      // A stream restarted under another epoch: its offsets start over, below what the
      // subscribers have, so they recover (and learn of the new epoch) rather than take them.
      if (state) this.io.lost(channel, new Error(`the stream restarted as epoch ${position.epoch}`));
      this.channels.set(channel, { ...position, delivered: true });
      this.io.deliver(channel, publication);
      return;
    }
    if (state.held) {
      state.held.push({ publication, position });
      return;
    }
    if (!state.delivered) {
      // Published before the top was read, its message still on the way: not delivered yet.
      if (position.offset <= state.offset) return this.io.deliver(channel, publication);
      state.delivered = true;
    }
    if (position.offset <= state.offset) return;
    if (position.offset === state.offset + 1) {
      state.offset = position.offset;
      this.io.deliver(channel, publication);
      return;
    }
    state.held = [{ publication, position }];
    void this.catchUp(channel, state);
  }

  /** The broker may have lost messages: every followed channel reads what it missed. */
  gap(): void {
    for (const [channel, state] of this.channels) {
      if (state.held) {
        state.again = true;
        continue;
      }
      state.held = [];
      void this.catchUp(channel, state);
    }
  }

  private async catchUp(channel: string, state: Followed): Promise<void> {
    let page: HistoryPage;
    try {
      page = await this.io.read(channel, { offset: state.offset, epoch: state.epoch });
    } catch (err) {
      return this.giveUp(channel, state, err);
    }
    if (this.channels.get(channel) !== state) return;
    const first = page.publications[0];
    if (first && first.offset! > state.offset + 1) return this.giveUp(channel, state, new Error(`history starts at ${first.offset}, after ${state.offset + 1}`));
    for (const publication of page.publications) this.advance(channel, state, publication, publication.offset!);
    const held = state.held!.sort((a, b) => a.position.offset - b.position.offset);
    state.held = undefined;
    for (const [i, { publication, position }] of held.entries()) {
      if (position.epoch !== state.epoch) return this.giveUp(channel, state, new Error(`the stream restarted as epoch ${position.epoch}`));
      if (position.offset > state.offset + 1) {
        // Still a hole (published after the read, its message lost too): read again.
        state.held = held.slice(i);
        return this.catchUp(channel, state);
      }
      this.advance(channel, state, publication, position.offset);
    }
    if (state.again) {
      state.again = false;
      state.held = [];
      return this.catchUp(channel, state);
    }
  }

  private advance(channel: string, state: Followed, publication: Publication, offset: number): void {
    if (offset <= state.offset) return;
    state.offset = offset;
    state.delivered = true;
    this.io.deliver(channel, publication);
  }

  private giveUp(channel: string, state: Followed, reason: unknown): void {
    if (this.channels.get(channel) !== state) return;
    // Followed again from whatever comes next; the subscribers recover the rest from history.
    this.channels.delete(channel);
    this.io.lost(channel, reason);
  }
}

import type { Codec } from '../protocol/codec.js';
import type { Publication } from '../protocol/frames.js';
import { DeltaPublication } from './delta-publication.js';

/**
 * The last publication of each delta-enabled channel with subscribers on this node: the base the
 * next one's delta is made against. Sequence numbers run across all channels and never repeat, so
 * a subscriber's base can never be mistaken for another channel's or an earlier life of the channel.
 */
export class DeltaBases {
  private readonly last = new Map<string, DeltaPublication>();
  private seq = 0;

  constructor(private readonly onError: (channel: string, codec: Codec, err: unknown) => void) {}

  /** The publication in its delta forms; it becomes the channel's base. */
  next(channel: string, publication: Publication): DeltaPublication {
    const previous = this.last.get(channel);
    previous?.settle();
    const delta = new DeltaPublication(channel, publication, ++this.seq, previous, (codec, err) => this.onError(channel, codec, err));
    this.last.set(channel, delta);
    return delta;
  }

  /** The channel has no subscriber left here: its base goes (a new subscriber starts from full data anyway). */
  forget(channel: string): void {
    this.last.delete(channel);
  }

  get size(): number {
    return this.last.size;
  }
}

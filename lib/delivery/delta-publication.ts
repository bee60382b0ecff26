import { isUtf8 } from 'node:buffer';
import { createDelta } from 'fossil-delta';
import type { Codec } from '../protocol/codec.js';
import { EncodedPush } from '../protocol/encoded-push.js';
import type { Publication } from '../protocol/frames.js';

/** Delta encodings a subscribe request may ask for. */
export const deltaTypes = ['fossil'] as const;
export type DeltaType = (typeof deltaTypes)[number];

export function isDeltaType(name: string): name is DeltaType {
  return (deltaTypes as readonly string[]).includes(name);
}

type EncodeError = (codec: Codec, err: unknown) => void;

/**
 * One publication of a channel with delta subscribers, in the two forms those subscribers take:
 * full (the data's JSON text, which becomes the client's base) and as a fossil delta against the
 * previous publication's text on this node. Each form is encoded at most once per codec, so a
 * thousand delta subscribers cost one `createDelta` and one encoding, as the plain push does.
 *
 * The SDK decodes a JSON client's data as a string (the JSON text, or the delta as text) and a
 * protobuf client's as bytes: the JSON form carries text, the protobuf form bytes, of the same
 * UTF-8 JSON text, so both bases are identical.
 */
export class DeltaPublication {
  private textBytes?: Buffer;
  private full?: EncodedPush;
  private patched?: EncodedPush | null;

  constructor(
    readonly channel: string,
    readonly publication: Publication,
    /** Node-wide sequence of this publication: a subscriber's base is named by it. */
    readonly seq: number,
    /** The channel's previous publication on this node, the base of this one's delta. */
    private previous: DeltaPublication | undefined,
    private readonly onError: EncodeError,
  ) {}

  /** The push for a subscriber whose base is publication `held`: the delta when it builds on it and saves bytes, else full. */
  for(codec: Codec, held: number | undefined): Buffer | undefined {
    if (held !== undefined && this.previous !== undefined && held === this.previous.seq) {
      const patched = this.patch();
      if (patched) return patched.for(codec);
    }
    return this.fullPush().for(codec);
  }

  /**
   * Delivered to every subscriber: only its text is needed any more, as the next one's base. Without
   * this each publication would hold the one before it, and the channel's whole past stay in memory.
   */
  settle(): void {
    this.previous = undefined;
    this.patched = null;
    this.full = undefined;
  }

  /** The data's JSON text as bytes: what the client holds after this publication. */
  text(): Buffer {
    return (this.textBytes ??= Buffer.from(JSON.stringify(this.publication.data) ?? 'null'));
  }

  private fullPush(): EncodedPush {
    const data = (codec: Codec) => (codec.binary ? this.text() : this.text().toString('utf8'));
    return (this.full ??= new EncodedPush((codec) => ({ channel: this.channel, pub: { ...this.publication, data: data(codec) } }), this.onError));
  }

  /**
   * The delta form, or null when a delta would not help: no smaller than the data, or not valid
   * UTF-8 (a literal run cut inside a character), which a JSON client's text could not carry intact.
   */
  private patch(): EncodedPush | null {
    if (this.patched !== undefined) return this.patched;
    const target = this.text();
    const delta = Buffer.from(createDelta(this.previous!.text(), target));
    if (delta.length >= target.length || !isUtf8(delta)) return (this.patched = null);
    const pub = (data: unknown): Publication => ({ ...this.publication, data, delta: true });
    return (this.patched = new EncodedPush((codec) => ({ channel: this.channel, pub: pub(codec.binary ? delta : delta.toString('utf8')) }), this.onError));
  }
}

/**
 * A publication a delta subscriber gets outside the live stream (recovered in the subscribe reply,
 * or buffered while subscribing) in full form: a JSON client reads a delta subscription's data as
 * JSON text; a protobuf client's bytes are that text already.
 */
export function fullDeltaForm(publication: Publication, codec: Codec): Publication {
  return codec.binary ? publication : { ...publication, data: JSON.stringify(publication.data) ?? 'null' };
}

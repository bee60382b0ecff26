import type { Codec } from './codec.js';
import type { Push } from './frames.js';

/**
 * A push for many subscribers, encoded at most once per codec, on first use: a channel whose
 * subscribers all speak JSON never pays for protobuf, and each subscriber's queue shares the bytes
 * of its codec. An encoding failure is reported once per codec and the push skipped for it.
 * The push may differ per codec (a delta publication carries text to JSON clients, bytes to protobuf ones).
 */
export class EncodedPush {
  private json?: Buffer | null;
  private protobuf?: Buffer | null;

  constructor(
    private readonly push: Push | ((codec: Codec) => Push),
    private readonly onError: (codec: Codec, err: unknown) => void,
  ) {}

  for(codec: Codec): Buffer | undefined {
    let encoded = this[codec.name];
    if (encoded === undefined) {
      try {
        encoded = codec.encodePush(typeof this.push === 'function' ? this.push(codec) : this.push);
      } catch (err) {
        encoded = null;
        this.onError(codec, err);
      }
      this[codec.name] = encoded;
    }
    return encoded ?? undefined;
  }
}

import type { Publication, StreamPosition } from '../protocol/frames.js';

/**
 * What the node runs around a publication in a namespace with `messages` (the message store):
 * `prepare` before it is published (may add tags; a `StreamingError` refuses it), `published` after,
 * with its stream position. Ephemeral publications pass by it.
 */
export interface PublicationHook {
  prepare(channel: string, publication: Publication): Promise<void>;
  published(channel: string, publication: Publication, position: StreamPosition | undefined): Promise<void>;
}

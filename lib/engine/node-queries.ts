import type { StreamPosition } from '../protocol/frames.js';

/** What `Node.publish` takes beside the publication. */
export interface NodePublishOptions {
  skipHistory?: boolean;
  /** A publish with a key already used on this channel within `idempotencyWindow` returns the first result and publishes nothing. */
  idempotencyKey?: string;
  /** Low priority for slow readers, and never in history (typing, cursors). */
  ephemeral?: boolean;
}

export interface NodeHistoryQuery {
  /** Publications after this position (same epoch). */
  since?: StreamPosition;
  /** 0: only the position; negative: every kept publication. */
  limit: number;
  reverse?: boolean;
}

import type { Publication, StreamPosition } from '../protocol/frames.js';

export interface HistoryOptions {
  /** Publications kept. */
  size: number;
  /** Seconds each publication is kept. */
  ttl: number;
  /** Seconds the stream position is kept after the last publication. */
  metaTtl: number;
}

export interface HistoryQuery {
  /** Publications after this position; another epoch fails with 112. */
  since?: StreamPosition;
  /** At most this many; 0 returns only the position; negative means no limit. */
  limit: number;
  /** Newest first. */
  reverse?: boolean;
  metaTtl: number;
}

export interface HistoryPage extends StreamPosition {
  publications: Publication[];
}

/**
 * A channel's stream: publications with increasing offsets inside an epoch. A new epoch starts
 * when the stream is lost (expired, removed, backend restarted), so clients know their offsets
 * no longer mean anything.
 */
export interface HistoryStore {
  /** Appends and returns the publication with its offset and the stream position after it. */
  append(channel: string, publication: Publication, options: HistoryOptions): Promise<HistoryPage>;
  read(channel: string, query: HistoryQuery): Promise<HistoryPage>;
  position(channel: string, metaTtl: number): Promise<StreamPosition>;
  remove(channel: string): Promise<void>;
  close(): Promise<void>;
}

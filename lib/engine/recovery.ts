import type { Publication } from '../protocol/frames.js';

/**
 * Whether history read since `offset` gives every publication the client missed: the
 * publications run without a gap from offset+1 to the stream top. The epoch is not compared
 * here: `HistoryStore.read` answers another epoch with 112, which the caller turns into
 * `recovered: false`, so a page reaching this check is always of the client's epoch.
 */
export function isRecovered(publications: Publication[], top: { offset: number }, since: { offset: number }): boolean {
  if (publications.length === 0) return top.offset === since.offset;
  return publications[0]!.offset === since.offset + 1 && publications[publications.length - 1]!.offset === top.offset;
}

/**
 * Publications delivered while a subscription was being set up, after those read from history:
 * anything at or below `knownTop`, the stream top history answered with (no publication read is
 * above it), is a duplicate and dropped.
 */
export function mergeBuffered(known: Publication[], knownTop: number, buffered: Publication[]): Publication[] {
  return known.concat(buffered.filter((p) => p.offset === undefined || p.offset > knownTop));
}

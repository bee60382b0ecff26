import type { Publication } from '../protocol/frames.js';

/**
 * Whether history read since `offset` in `epoch` gives every publication the client missed:
 * same epoch, and the publications run without a gap from offset+1 to the stream top.
 */
export function isRecovered(
  publications: Publication[],
  top: { offset: number; epoch: string },
  since: { offset: number; epoch: string },
): boolean {
  if (since.epoch !== '' && since.epoch !== top.epoch) return false;
  if (publications.length === 0) return top.offset === since.offset;
  return publications[0]!.offset === since.offset + 1 && publications[publications.length - 1]!.offset === top.offset;
}

/**
 * Publications delivered while a subscription was being set up, after those read from history:
 * anything at or below the last offset already known is a duplicate and dropped.
 */
export function mergeBuffered(known: Publication[], knownTop: number, buffered: Publication[]): Publication[] {
  const last = known.length > 0 ? Math.max(known[known.length - 1]!.offset!, knownTop) : knownTop;
  return known.concat(buffered.filter((p) => p.offset === undefined || p.offset > last));
}

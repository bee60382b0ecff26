/** Clients disconnected at once in one step of a drain: small nodes drain in one step. */
export const DRAIN_BATCH_SIZE = 100;
/** Steps no closer than this: a finer spread buys nothing and costs timers. */
const MIN_STEP_MS = 100;

export interface DrainBatch<T> {
  /** Wait before this batch, after the previous one. */
  delayMs: number;
  sessions: T[];
}

/**
 * Splits `sessions` into batches of at least DRAIN_BATCH_SIZE spread evenly over `periodMs`, so that
 * a big node's clients do not all reconnect to the other nodes at the same instant.
 */
export function drainBatches<T>(sessions: T[], periodMs: number): Array<DrainBatch<T>> {
  const steps = Math.max(1, Math.min(Math.ceil(sessions.length / DRAIN_BATCH_SIZE), Math.floor(periodMs / MIN_STEP_MS)));
  const size = Math.ceil(sessions.length / steps);
  const batches: Array<DrainBatch<T>> = [];
  for (let i = 0; i < sessions.length; i += size) {
    batches.push({ delayMs: i === 0 ? 0 : periodMs / steps, sessions: sessions.slice(i, i + size) });
  }
  return batches;
}

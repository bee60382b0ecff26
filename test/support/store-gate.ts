/* Timing and faults of the real stores, for tests. */

/**
 * Holds one call of a store method until the test releases it, so a test can act at an exact
 * point of the server's work (e.g. publish while a subscribe reads history). The real store still
 * answers; only the timing is the test's.
 */
export interface Gate {
  /** Resolves when the held call has started. */
  entered: Promise<void>;
  release(): void;
  /** Puts the original method back. */
  restore(): void;
}

/**
 * Wraps `target[method]` for calls whose first argument is `channel`. `when: 'before'` holds the
 * call before the real store runs (its answer then includes what the test did meanwhile);
 * `'after'` runs the store first and holds its answer (which then misses it).
 */
export function gate<T extends object, K extends keyof T>(target: T, method: K, channel: string, when: 'before' | 'after'): Gate {
  const original = target[method] as unknown as (...args: unknown[]) => Promise<unknown>;
  let enter!: () => void;
  let release!: () => void;
  const entered = new Promise<void>((resolve) => (enter = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  const wrapped = async (...args: unknown[]): Promise<unknown> => {
    if (args[0] !== channel) return original.apply(target, args);
    if (when === 'before') {
      enter();
      await released;
      return original.apply(target, args);
    }
    const result = await original.apply(target, args);
    enter();
    await released;
    return result;
  };
  (target as Record<K, unknown>)[method] = wrapped;
  return { entered, release, restore: () => ((target as Record<K, unknown>)[method] = original) };
}

/**
 * Makes the next call of `target[method]` for `channel` fail, as a backend that lost its
 * connection would (the memory stores cannot fail by themselves). Returns the restore function.
 */
export function failOnce<T extends object, K extends keyof T>(target: T, method: K, channel: string): () => void {
  return failCalls(target, method, channel, 1);
}

/** Makes every call of `target[method]` for `channel` fail until restored. */
export function failEvery<T extends object, K extends keyof T>(target: T, method: K, channel: string): () => void {
  return failCalls(target, method, channel, Infinity);
}

function failCalls<T extends object, K extends keyof T>(target: T, method: K, channel: string, times: number): () => void {
  const original = target[method] as unknown as (...args: unknown[]) => Promise<unknown>;
  let failed = 0;
  (target as Record<K, unknown>)[method] = async (...args: unknown[]): Promise<unknown> => {
    if (args[0] !== channel || failed >= times) return original.apply(target, args);
    failed++;
    throw new Error(`test: ${String(method)} of ${channel} failed`);
  };
  return () => ((target as Record<K, unknown>)[method] = original);
}

/** A protocol error reply (100-1999) or a disconnect (3000-4999) that a test client met. */
export class StreamingTestError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(`${code} ${message}`);
    this.name = 'StreamingTestError';
  }

  /** What the SDK rejects with, or emits on `disconnected`/`unsubscribed`, as an error. */
  static from(value: unknown): StreamingTestError {
    if (value instanceof StreamingTestError) return value;
    const { code, message, reason } = (value ?? {}) as { code?: unknown; message?: unknown; reason?: unknown };
    if (typeof code !== 'number') throw value instanceof Error ? value : new Error(String(value));
    return new StreamingTestError(code, String(message ?? reason ?? ''));
  }
}

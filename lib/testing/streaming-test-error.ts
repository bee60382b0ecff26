/** A protocol error reply (100-1999) or a disconnect (3000-4999) that a test client met. */
export class StreamingTestError extends Error {
  constructor(
    readonly code: number,
    message: string,
    /** The server marked the error temporary: the SDK would retry. */
    readonly temporary = false,
  ) {
    super(`${code} ${message}`);
    this.name = 'StreamingTestError';
  }

  /** What the SDK rejects with, or emits on `disconnected`/`unsubscribed`, as an error. */
  static from(value: unknown): StreamingTestError {
    if (value instanceof StreamingTestError) return value;
    const { code, message, reason, temporary } = (value ?? {}) as { code?: unknown; message?: unknown; reason?: unknown; temporary?: unknown };
    if (typeof code !== 'number') throw value instanceof Error ? value : new Error(String(value));
    return new StreamingTestError(code, String(message ?? reason ?? ''), temporary === true);
  }
}

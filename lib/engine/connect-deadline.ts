/**
 * A socket that has not sent `connect` within its deadline is stale (3502, as Centrifugo): without
 * it, sockets that never connect would hold file descriptors and connection slots forever. The
 * deadline stops while a `connect` is handled (a slow authenticator or `@OnConnect` must not cut a
 * real client off with a code the SDK does not retry; `ConnectAttempt` bounds that handling), and
 * starts again after a refused one.
 */
export class ConnectDeadline {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly seconds: number,
    private readonly onStale: () => void,
  ) {
    this.arm();
  }

  arm(): void {
    this.clear();
    this.timer = setTimeout(this.onStale, this.seconds * 1000);
    this.timer.unref();
  }

  clear(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

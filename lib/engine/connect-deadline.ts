/**
 * A socket that has not connected within its deadline is stale (3502, as Centrifugo): without
 * it, sockets that never send `connect` would hold file descriptors and connection slots forever.
 */
export class ConnectDeadline {
  private readonly timer: NodeJS.Timeout;

  constructor(seconds: number, onStale: () => void) {
    this.timer = setTimeout(onStale, seconds * 1000);
    this.timer.unref();
  }

  clear(): void {
    clearTimeout(this.timer);
  }
}

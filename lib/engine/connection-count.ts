/** Connected sessions whose cleanup (unsubscribe, leave presence) has not finished, and a wait for none. */
export class ConnectionCount {
  private count = 0;
  private allGone?: () => void;

  opened(): void {
    this.count++;
  }

  closed(): void {
    if (--this.count === 0) this.allGone?.();
  }

  /** Resolves once no connection is left, or after `timeoutMs`, whichever comes first. */
  async none(timeoutMs: number): Promise<void> {
    if (this.count === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([new Promise<void>((resolve) => (this.allGone = resolve)), new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
  }
}

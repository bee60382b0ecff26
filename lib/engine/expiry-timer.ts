/** setTimeout's longest delay (~24.8 days); longer waits are chained. */
const MAX_DELAY_MS = 0x7fffffff;

/**
 * Seconds from now until `expireAt` (Unix seconds), counted in whole seconds as jose checks `exp`:
 * a token jose accepts has a ttl of at least 1.
 */
export function ttlUntil(expireAt: number): number {
  return expireAt - Math.floor(Date.now() / 1000);
}

/**
 * Fires once, `graceSeconds` after a Unix time: the grace lets a client that refreshes exactly at
 * the end of its ttl (as the SDK does) be heard before the connection or subscription is ended.
 */
export class ExpiryTimer {
  private timer: NodeJS.Timeout | undefined = undefined;

  arm(expireAt: number, graceSeconds: number, onExpire: () => void): void {
    this.clear();
    const deadline = (expireAt + graceSeconds) * 1000;
    const wait = (): void => {
      const left = deadline - Date.now();
      if (left <= 0) {
        this.timer = undefined;
        onExpire();
        return;
      }
      this.timer = setTimeout(wait, Math.min(left, MAX_DELAY_MS));
      this.timer.unref();
    };
    wait();
  }

  clear(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

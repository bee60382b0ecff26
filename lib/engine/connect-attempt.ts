/**
 * Bounds the handling of one `connect`. The connect deadline (`SessionAuth`) stops while a connect is handled, so an
 * authenticator (a JWKS fetch, a user service) or an `@OnConnect` hook that never settles would
 * otherwise keep the socket, its slot and the session forever. Once the bound passes, the attempt
 * is `expired`: the session answers with the error `onExpired` gives, and the handling, whenever
 * it settles, must not apply its result (it checks `expired` after every await).
 */
export class ConnectAttempt {
  private timer?: NodeJS.Timeout;
  private passed = false;

  constructor(
    private readonly seconds: number,
    private readonly onExpired: () => Error,
  ) {}

  get expired(): boolean {
    return this.passed;
  }

  /** Settles as `handling` does, or rejects with `onExpired`'s error if the bound passes first. */
  bound<T>(handling: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.timer = setTimeout(() => {
        this.passed = true;
        reject(this.onExpired());
      }, this.seconds * 1000);
      this.timer.unref();
      handling.then(resolve, reject).finally(() => this.finish());
    });
  }

  /** The connect is answered: from here on the bound no longer applies. */
  finish(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

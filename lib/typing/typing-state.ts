/** A change of who is typing in a channel, to broadcast. */
export interface TypingChange {
  channel: string;
  user: string;
  typing: boolean;
}

export interface TypingClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(timer: unknown): void;
}

const systemClock: TypingClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const timer = setTimeout(fn, ms);
    timer.unref();
    return timer;
  },
  clearTimeout: (timer) => clearTimeout(timer as NodeJS.Timeout),
};

interface Typist {
  /** When `typing: true` was last broadcast for this user here. */
  sentAt: number;
  stopTimer: unknown;
}

/**
 * Who is typing where, with the two rules that keep typing cheap: a user typing on is broadcast at
 * most once per `throttleMs` (every keystroke may call `start`), and typing ends by itself
 * `timeoutMs` after the last `start` (a closed tab never says it stopped).
 */
export class TypingState {
  private readonly channels = new Map<string, Map<string, Typist>>();

  constructor(
    private readonly throttleMs: number,
    private readonly timeoutMs: number,
    private readonly emit: (change: TypingChange) => void,
    private readonly clock: TypingClock = systemClock,
  ) {}

  start(channel: string, user: string): void {
    let typists = this.channels.get(channel);
    if (!typists) {
      typists = new Map();
      this.channels.set(channel, typists);
    }
    const now = this.clock.now();
    const typist = typists.get(user);
    if (typist) this.clock.clearTimeout(typist.stopTimer);
    const announce = !typist || now - typist.sentAt >= this.throttleMs;
    typists.set(user, {
      sentAt: announce ? now : typist!.sentAt,
      stopTimer: this.clock.setTimeout(() => this.stop(channel, user), this.timeoutMs),
    });
    if (announce) this.emit({ channel, user, typing: true });
  }

  stop(channel: string, user: string): void {
    const typists = this.channels.get(channel);
    const typist = typists?.get(user);
    if (!typists || !typist) return;
    this.clock.clearTimeout(typist.stopTimer);
    typists.delete(user);
    if (typists.size === 0) this.channels.delete(channel);
    this.emit({ channel, user, typing: false });
  }

  typing(channel: string): string[] {
    return [...(this.channels.get(channel)?.keys() ?? [])];
  }

  /** Forgets everyone without broadcasting: the node is stopping. */
  clear(): void {
    for (const typists of this.channels.values()) for (const typist of typists.values()) this.clock.clearTimeout(typist.stopTimer);
    this.channels.clear();
  }
}

import { DelayQueue, type TimerClock } from '../../lib/engine/delay-queue.js';
import { SessionTimers } from '../../lib/engine/session-timers.js';

/** A clock that moves only when told, and counts the timers it holds. */
class ManualClock implements TimerClock {
  private time = 0;
  private nextHandle = 1;
  readonly timers = new Map<number, { at: number; callback: () => void }>();

  now(): number {
    return this.time;
  }

  setTimer(callback: () => void, ms: number): unknown {
    const handle = this.nextHandle++;
    this.timers.set(handle, { at: this.time + ms, callback });
    return handle;
  }

  clearTimer(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  /** Moves time on by `ms`, running each timer that falls due, in order. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = [...this.timers].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.time = Math.max(this.time, due[1].at);
      due[1].callback();
    }
    this.time = end;
  }
}

describe('DelayQueue', () => {
  let clock: ManualClock;
  let fired: string[];
  let queue: DelayQueue<string>;

  beforeEach(() => {
    clock = new ManualClock();
    fired = [];
    queue = new DelayQueue<string>(1000, (entry) => fired.push(`${entry}@${clock.now()}`), clock);
  });

  it('fires each entry once, exactly its delay after it was added, on one timer', () => {
    queue.add('a');
    clock.advance(300);
    queue.add('b');
    clock.advance(200);
    queue.add('c');
    expect(clock.timers.size).toBe(1);
    clock.advance(10_000);
    expect(fired).toEqual(['a@1000', 'b@1300', 'c@1500']);
    expect(queue.size).toBe(0);
  });

  it('fires together the entries that fall due together', () => {
    queue.add('a');
    queue.add('b');
    clock.advance(999);
    expect(fired).toEqual([]);
    clock.advance(1);
    expect(fired).toEqual(['a@1000', 'b@1000']);
  });

  it('starts the delay over for an entry added again, which then falls due after those added since', () => {
    queue.add('a');
    clock.advance(400);
    queue.add('b');
    clock.advance(400);
    queue.add('a');
    clock.advance(10_000);
    expect(fired).toEqual(['b@1400', 'a@1800']);
  });

  it('never fires a deleted entry, and holds no timer once empty', () => {
    queue.add('a');
    queue.add('b');
    expect(queue.delete('a')).toBe(true);
    expect(queue.delete('a')).toBe(false);
    expect(clock.timers.size).toBe(1);
    expect(queue.delete('b')).toBe(true);
    expect(clock.timers.size).toBe(0);
    clock.advance(10_000);
    expect(fired).toEqual([]);
  });

  it('waits for the next entry when the first was deleted before its time', () => {
    queue.add('a');
    clock.advance(500);
    queue.add('b');
    queue.delete('a');
    clock.advance(10_000);
    expect(fired).toEqual(['b@1500']);
    expect(clock.timers.size).toBe(0);
  });

  it('fires an entry added again while firing one delay later, not in the same turn', () => {
    queue = new DelayQueue<string>(1000, (entry) => {
      fired.push(`${entry}@${clock.now()}`);
      if (fired.length < 3) queue.add(entry);
    }, clock);
    queue.add('a');
    clock.advance(10_000);
    expect(fired).toEqual(['a@1000', 'a@2000', 'a@3000']);
  });

  it('keeps firing the others and stays armed when one entry throws', () => {
    queue = new DelayQueue<string>(1000, (entry) => {
      fired.push(entry);
      if (entry === 'a') throw new Error('boom');
    }, clock);
    queue.add('a');
    queue.add('b');
    clock.advance(300);
    queue.add('c');
    expect(() => clock.advance(1000)).toThrow('boom');
    expect(fired).toEqual(['a']);
    clock.advance(10_000);
    expect(fired).toEqual(['a', 'b', 'c']);
  });

  it('runs on real timers that do not hold the process open', async () => {
    const real = new DelayQueue<string>(20, (entry) => fired.push(entry));
    const started = performance.now();
    await new Promise<void>((resolve) => {
      real.add('x');
      const poll = setInterval(() => {
        if (fired.length === 0) return;
        clearInterval(poll);
        resolve();
      }, 5);
    });
    expect(fired).toEqual(['x']);
    expect(performance.now() - started).toBeGreaterThanOrEqual(19);
  });
});

describe('SessionTimers', () => {
  it('runs pings, pong deadlines and connect deadlines on their own delays', () => {
    const clock = new ManualClock();
    const timers = new SessionTimers({ pingInterval: 25, pongTimeout: 8, connectTimeout: 10 }, clock);
    const calls: string[] = [];
    const session = { ping: () => calls.push(`ping@${clock.now()}`), pongMissed: () => calls.push(`pong@${clock.now()}`) };
    timers.pings.add(session);
    timers.pongs.add(session);
    timers.connects.add({ stale: () => calls.push(`stale@${clock.now()}`) });
    clock.advance(60_000);
    expect(calls).toEqual(['pong@8000', 'stale@10000', 'ping@25000']);
  });
});

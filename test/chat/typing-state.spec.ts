import { TypingState, type TypingChange, type TypingClock } from '../../lib/typing/typing-state.js';

/** A clock the test moves by hand: timers fire when `advance` passes their time. */
class ManualClock implements TypingClock {
  time = 0;
  private timers: Array<{ at: number; fn: () => void; id: number }> = [];
  private ids = 0;

  now(): number {
    return this.time;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.ids;
    this.timers.push({ at: this.time + ms, fn, id });
    return id;
  }
  clearTimeout(id: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== id);
  }
  advance(ms: number): void {
    this.time += ms;
    for (const due of this.timers.filter((t) => t.at <= this.time)) {
      this.clearTimeout(due.id);
      due.fn();
    }
  }
  get pending(): number {
    return this.timers.length;
  }
}

describe('TypingState', () => {
  let clock: ManualClock;
  let changes: TypingChange[];
  let state: TypingState;

  beforeEach(() => {
    clock = new ManualClock();
    changes = [];
    state = new TypingState(2000, 5000, (c) => changes.push(c), clock);
  });

  it('broadcasts the first start, then at most once per throttle while typing goes on', () => {
    for (let i = 0; i < 10; i++) {
      state.start('c', 'alice');
      clock.advance(100);
    }
    expect(changes).toEqual([{ channel: 'c', user: 'alice', typing: true }]);
    clock.advance(1000);
    state.start('c', 'alice');
    expect(changes).toHaveLength(2);
  });

  it('stops by itself after the timeout since the last start, and says so', () => {
    state.start('c', 'alice');
    clock.advance(4000);
    state.start('c', 'alice');
    clock.advance(4999);
    expect(state.typing('c')).toEqual(['alice']);
    clock.advance(1);
    expect(state.typing('c')).toEqual([]);
    expect(changes.at(-1)).toEqual({ channel: 'c', user: 'alice', typing: false });
    expect(clock.pending).toBe(0);
  });

  it('stops when asked, once, and a stop for someone not typing says nothing', () => {
    state.start('c', 'alice');
    state.stop('c', 'alice');
    state.stop('c', 'alice');
    state.stop('c', 'bob');
    expect(changes.map((c) => c.typing)).toEqual([true, false]);
    expect(clock.pending).toBe(0);
    state.start('c', 'alice');
    expect(changes.map((c) => c.typing)).toEqual([true, false, true]);
  });

  it('keeps users and channels apart', () => {
    state.start('c', 'alice');
    state.start('c', 'bob');
    state.start('d', 'alice');
    expect(state.typing('c').sort()).toEqual(['alice', 'bob']);
    expect(state.typing('d')).toEqual(['alice']);
    expect(changes).toHaveLength(3);
  });

  it('forgets everyone on clear without broadcasting', () => {
    state.start('c', 'alice');
    state.clear();
    expect(state.typing('c')).toEqual([]);
    expect(clock.pending).toBe(0);
    expect(changes).toHaveLength(1);
  });
});

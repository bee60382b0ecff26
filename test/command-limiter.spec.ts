import { CommandLimiter } from '../lib/limits/command-limiter.js';
import { TokenBucket } from '../lib/limits/token-bucket.js';

/** The limiter's arithmetic on a clock the test moves; the e2e tests run it on the real one. */
describe('TokenBucket and CommandLimiter', () => {
  let now = 0;
  const clock = () => now;

  beforeEach(() => {
    now = 1_000_000;
  });

  it('admits a burst, then refills at the rate, never above the burst', () => {
    const bucket = new TokenBucket(10, 3, clock);
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
    now += 100; // one token at 10/s
    expect([bucket.take(), bucket.take()]).toEqual([true, false]);
    now += 60_000;
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
  });

  it('refuses past the rate, and disconnects after maxRefusedCommands refusals within 10 s', () => {
    const limiter = new CommandLimiter({ commandsPerSecond: 1, commandBurst: 2, maxRefusedCommands: 3 }, clock);
    expect([limiter.admit(), limiter.admit()]).toEqual(['admit', 'admit']);
    expect(limiter.admit()).toBe('refuse');
    expect(limiter.firstRefusal).toBe(true);
    expect([limiter.admit(), limiter.admit()]).toEqual(['refuse', 'refuse']);
    expect(limiter.firstRefusal).toBe(false);
    expect(limiter.admit()).toBe('disconnect');
  });

  it('forgets refusals older than the window', () => {
    const limiter = new CommandLimiter({ commandsPerSecond: 1, commandBurst: 1, maxRefusedCommands: 2 }, clock);
    expect([limiter.admit(), limiter.admit(), limiter.admit()]).toEqual(['admit', 'refuse', 'refuse']);
    now += 10_001;
    // A token came back long ago; then the refusal count starts over.
    expect([limiter.admit(), limiter.admit(), limiter.admit()]).toEqual(['admit', 'refuse', 'refuse']);
    expect(limiter.admit()).toBe('disconnect');
  });

  it('still counts a refusal exactly 10 s after the first one of the window', () => {
    // One token per 100 s: none comes back while the test moves the clock.
    const limiter = new CommandLimiter({ commandsPerSecond: 0.01, commandBurst: 1, maxRefusedCommands: 1 }, clock);
    expect([limiter.admit(), limiter.admit()]).toEqual(['admit', 'refuse']);
    now += 10_000;
    expect(limiter.admit()).toBe('disconnect');
  });
});

import { jest } from '@jest/globals';
import { ExpiryTimer, ttlUntil } from '../../lib/engine/expiry-timer.js';

/** On jest's fake clock: the timer's arithmetic is the subject, not the passing of real time. */
describe('ExpiryTimer', () => {
  const start = Date.UTC(2030, 0, 1);

  beforeEach(() => {
    jest.useFakeTimers({ now: start });
  });
  afterEach(() => jest.useRealTimers());

  it('fires once, after the expiry plus the grace', () => {
    const timer = new ExpiryTimer();
    const fired = jest.fn();
    timer.arm(start / 1000 + 10, 2, fired);
    jest.advanceTimersByTime(11_999);
    expect(fired).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(fired).toHaveBeenCalledTimes(1);
    jest.advanceTimersByTime(60_000);
    expect(fired).toHaveBeenCalledTimes(1);
  });

  it('fires at once for an expiry already past', () => {
    const fired = jest.fn();
    new ExpiryTimer().arm(start / 1000 - 5, 1, fired);
    expect(fired).toHaveBeenCalledTimes(1);
  });

  it('re-arming replaces the earlier expiry, and clear stops it', () => {
    const timer = new ExpiryTimer();
    const first = jest.fn();
    const second = jest.fn();
    timer.arm(start / 1000 + 1, 0, first);
    timer.arm(start / 1000 + 3, 0, second);
    jest.advanceTimersByTime(2000);
    expect(first).not.toHaveBeenCalled();
    timer.clear();
    jest.advanceTimersByTime(5000);
    expect(second).not.toHaveBeenCalled();
  });

  it('waits past setTimeout’s longest delay (about 24.8 days) by chaining', () => {
    const fired = jest.fn();
    const days40 = 40 * 24 * 3600;
    const setTimeoutSpy = jest.spyOn(globalThis, 'setTimeout');
    new ExpiryTimer().arm(start / 1000 + days40, 0, fired);
    // A delay over the limit would become 1 ms: the timer would wake a thousand times a second.
    jest.advanceTimersByTime(1000);
    expect(setTimeoutSpy).toHaveBeenCalledTimes(1);
    setTimeoutSpy.mockRestore();
    jest.advanceTimersByTime(30 * 24 * 3600 * 1000);
    expect(fired).not.toHaveBeenCalled();
    jest.advanceTimersByTime(10 * 24 * 3600 * 1000);
    expect(fired).toHaveBeenCalledTimes(1);
  });

  it('ttlUntil counts whole seconds from now', () => {
    jest.setSystemTime(start + 900);
    expect(ttlUntil(start / 1000 + 10)).toBe(10);
  });
});

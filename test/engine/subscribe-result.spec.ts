import { advances, goLive } from '../../lib/engine/subscribe-result.js';
import { LIVE_BUFFER, SubscriptionBuffer } from '../../lib/engine/subscription-buffer.js';
import type { Subscription } from '../../lib/engine/subscription.js';
import type { Publication } from '../../lib/protocol/frames.js';

const sub = (offset?: number): Subscription =>
  ({ channel: 'feed:a', resolved: { namespace: 'feed', options: {} }, joinLeave: false, buffer: new SubscriptionBuffer(), offset }) as unknown as Subscription;

const pub = (n: number, offset?: number): Publication => (offset === undefined ? { data: { n } } : { data: { n }, offset });

/** Arrival order kept by a buffering subscription, then handed to `goLive`. */
function buffered(s: Subscription, ...publications: Publication[]): Subscription {
  for (const p of publications) s.buffer.offer(p);
  return s;
}

describe('advances: whether a live publication is news to a subscription', () => {
  it('lets everything through a subscription without a position, and leaves it without one', () => {
    const s = sub();
    expect(advances(s, pub(1, 5))).toBe(true);
    expect(advances(s, pub(2, 3))).toBe(true);
    expect(s.offset).toBeUndefined();
  });

  it('moves a positioned subscription to each newer publication, and refuses one at or below it', () => {
    const s = sub(5);
    expect(advances(s, pub(1, 5))).toBe(false);
    expect(advances(s, pub(2, 4))).toBe(false);
    expect(s.offset).toBe(5);
    expect(advances(s, pub(3, 6))).toBe(true);
    expect(s.offset).toBe(6);
    expect(advances(s, pub(4, 6))).toBe(false);
  });

  it('lets a publication without an offset (kept out of history) through, keeping the position for the next', () => {
    const s = sub(5);
    expect(advances(s, pub(1))).toBe(true);
    expect(s.offset).toBe(5);
    expect(advances(s, pub(2, 5))).toBe(false);
  });
});

describe('goLive: what a subscription buffered while its reply was built', () => {
  it('hands a subscription without a position everything it buffered, in arrival order, and sets no position', () => {
    const s = buffered(sub(), pub(1, 3), pub(2), pub(3, 1));
    expect(goLive(s, {}).map((p) => p.data)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(s.offset).toBeUndefined();
    expect(s.buffer).toBe(LIVE_BUFFER);
  });

  it('drops what the reply position already covers and moves the subscription to the newest it hands over', () => {
    const s = buffered(sub(), pub(1, 4), pub(2, 5), pub(3, 6), pub(4));
    expect(goLive(s, { positioned: true, offset: 4 }).map((p) => p.data)).toEqual([{ n: 2 }, { n: 3 }, { n: 4 }]);
    expect(s.offset).toBe(6);
    expect(advances(s, pub(5, 6))).toBe(false);
  });

  it('takes the position from the last recovered publication when the reply carries some', () => {
    const s = buffered(sub(), pub(1, 7), pub(2, 8));
    const result = { positioned: true, offset: 5, publications: [pub(0, 6), pub(1, 7)] };
    expect(goLive(s, result).map((p) => p.data)).toEqual([{ n: 2 }]);
    expect(s.offset).toBe(8);
  });

  it('keeps the reply position when nothing newer was buffered', () => {
    const s = buffered(sub(), pub(1, 2));
    expect(goLive(s, { positioned: true, offset: 3 })).toEqual([]);
    expect(s.offset).toBe(3);
    const empty = sub();
    expect(goLive(empty, { positioned: true, offset: 0 })).toEqual([]);
    expect(empty.offset).toBe(0);
  });
});

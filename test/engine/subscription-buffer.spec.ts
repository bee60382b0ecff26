import { advances, goLive } from '../../lib/engine/subscribe-result.js';
import { LIVE_BUFFER, SubscriptionBuffer } from '../../lib/engine/subscription-buffer.js';
import type { Subscription } from '../../lib/engine/subscription.js';

describe('SubscriptionBuffer', () => {
  it('keeps publications while buffering and hands them over once, going live', () => {
    const buffer = new SubscriptionBuffer();
    expect(buffer.live).toBe(false);
    expect(buffer.offer({ data: 1 })).toBe(false);
    expect(buffer.offer({ data: 2 })).toBe(false);
    expect(buffer.goLive()).toEqual([{ data: 1 }, { data: 2 }]);
    expect(buffer.live).toBe(true);
    expect(buffer.offer({ data: 3 })).toBe(true);
    expect(buffer.take()).toEqual([]);
  });

  it('take empties the buffer and keeps buffering (recovery takes what came before the reply)', () => {
    const buffer = new SubscriptionBuffer();
    buffer.offer({ data: 1 });
    expect(buffer.take()).toEqual([{ data: 1 }]);
    expect(buffer.offer({ data: 2 })).toBe(false);
    expect(buffer.goLive()).toEqual([{ data: 2 }]);
  });
});

describe('LIVE_BUFFER', () => {
  it('is live, delivers everything at once and never holds a publication', () => {
    expect(LIVE_BUFFER.live).toBe(true);
    expect(LIVE_BUFFER.offer({ data: 1 })).toBe(true);
    expect(LIVE_BUFFER.take()).toEqual([]);
    expect(LIVE_BUFFER.goLive()).toEqual([]);
  });

  it('replaces a subscription buffer once it goes live', () => {
    const buffer = new SubscriptionBuffer();
    buffer.offer({ data: 1, offset: 1 });
    const sub = { channel: 'c', buffer } as unknown as Subscription;
    expect(goLive(sub, {})).toEqual([{ data: 1, offset: 1 }]);
    expect(sub.buffer).toBe(LIVE_BUFFER);
  });
});

describe('a positioned subscription', () => {
  const positioned = (...offsets: number[]) => {
    const buffer = new SubscriptionBuffer();
    for (const offset of offsets) buffer.offer({ data: offset, offset });
    return { channel: 'c', buffer } as unknown as Subscription;
  };

  it('goes live at the newest offset its client has: the reply’s or a buffered one’s', () => {
    const sub = positioned(4, 5, 6);
    expect(goLive(sub, { positioned: true, offset: 3, publications: [{ data: 4, offset: 4 }] })).toEqual([
      { data: 5, offset: 5 },
      { data: 6, offset: 6 },
    ]);
    expect(sub.offset).toBe(6);
    const quiet = positioned();
    goLive(quiet, { positioned: true, offset: 9 });
    expect(quiet.offset).toBe(9);
    const unpositioned = positioned(1);
    goLive(unpositioned, {});
    expect(unpositioned.offset).toBeUndefined();
  });

  it('takes only live publications above that offset, once: a late one the client recovered is dropped', () => {
    const sub = positioned();
    goLive(sub, { positioned: true, offset: 41 });
    expect(advances(sub, { data: 41, offset: 41 })).toBe(false);
    expect(advances(sub, { data: 40, offset: 40 })).toBe(false);
    expect(advances(sub, { data: 42, offset: 42 })).toBe(true);
    expect(advances(sub, { data: 42, offset: 42 })).toBe(false);
    expect(sub.offset).toBe(42);
    expect(advances(sub, { data: 'no offset' })).toBe(true);
    expect(advances(positioned(), { data: 1, offset: 1 })).toBe(true);
  });
});

import { goLive } from '../../lib/engine/subscribe-result.js';
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

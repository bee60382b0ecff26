import { SubscriptionBuffer } from '../../lib/engine/subscription-buffer.js';

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

import { SubscriptionMap } from '../../lib/engine/subscription-map.js';
import { SubscriptionBuffer } from '../../lib/engine/subscription-buffer.js';
import type { Subscription } from '../../lib/engine/subscription.js';

const sub = (channel: string): Subscription =>
  ({ channel, resolved: { namespace: '', options: {} }, joinLeave: false, buffer: new SubscriptionBuffer() }) as unknown as Subscription;

describe('SubscriptionMap', () => {
  it('holds one subscription, then more, in the order they were made', () => {
    const map = new SubscriptionMap();
    expect(map.size).toBe(0);
    expect(map.channels()).toEqual([]);
    const a = sub('a');
    map.add(a);
    expect(map.size).toBe(1);
    expect(map.get('a')).toBe(a);
    expect(map.has('a')).toBe(true);
    expect(map.has('b')).toBe(false);
    expect(map.channels()).toEqual(['a']);
    expect(map.list()).toEqual([a]);
    const b = sub('b');
    const c = sub('c');
    map.add(b);
    map.add(c);
    expect(map.size).toBe(3);
    expect(map.channels()).toEqual(['a', 'b', 'c']);
    expect(map.list()).toEqual([a, b, c]);
    expect(map.get('b')).toBe(b);
    expect(map.has('c')).toBe(true);
  });

  it('replaces a subscription of the same channel, with one or many held', () => {
    const map = new SubscriptionMap();
    map.add(sub('a'));
    const again = sub('a');
    map.add(again);
    expect(map.size).toBe(1);
    expect(map.get('a')).toBe(again);
    map.add(sub('b'));
    const b2 = sub('b');
    map.add(b2);
    expect(map.size).toBe(2);
    expect(map.get('b')).toBe(b2);
  });

  it('deletes what it holds and answers false for what it does not', () => {
    const map = new SubscriptionMap();
    expect(map.delete('a')).toBe(false);
    map.add(sub('a'));
    expect(map.delete('b')).toBe(false);
    expect(map.delete('a')).toBe(true);
    expect(map.size).toBe(0);
    expect(map.get('a')).toBeUndefined();
    map.add(sub('a'));
    map.add(sub('b'));
    expect(map.delete('a')).toBe(true);
    expect(map.channels()).toEqual(['b']);
    expect(map.delete('a')).toBe(false);
    map.add(sub('c'));
    expect(map.channels()).toEqual(['b', 'c']);
  });
});

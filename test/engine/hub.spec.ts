import { Hub } from '../../lib/engine/hub.js';

const session = (id: string, user: string) => ({ id, user });

/** The node's local index: counts must stay exact through every add and remove, repeated ones included. */
describe('Hub', () => {
  it('indexes clients by user and counts users once', () => {
    const hub = new Hub<{ id: string; user: string }>();
    const a1 = session('a1', 'alice');
    const a2 = session('a2', 'alice');
    hub.addClient(a1);
    hub.addClient(a2);
    hub.addClient(session('b1', 'bob'));
    expect([hub.numClients, hub.numUsers]).toEqual([3, 2]);
    expect([...hub.sessionsOf('alice')!]).toEqual([a1, a2]);
    hub.removeClient(a1);
    hub.removeClient(a1);
    expect([hub.numClients, hub.numUsers]).toEqual([2, 2]);
    hub.removeClient(a2);
    expect(hub.sessionsOf('alice')).toBeUndefined();
    expect([...hub.allSessions()].map((s) => s.id)).toEqual(['b1']);
  });

  it('says when a channel gets its first and loses its last local subscriber, and counts subscriptions', () => {
    const hub = new Hub<{ id: string; user: string }>();
    const a = session('a', 'alice');
    const b = session('b', 'bob');
    expect(hub.subscribe('news', a)).toBe(true);
    expect(hub.subscribe('news', b)).toBe(false);
    expect(hub.subscribe('news', b)).toBe(false);
    expect(hub.subscribe('sport', a)).toBe(true);
    expect([hub.numChannels, hub.numSubscriptions, hub.localSubscribers('news')]).toEqual([2, 3, 2]);
    expect([...hub.channelNames()]).toEqual(['news', 'sport']);
    expect(hub.unsubscribe('news', a)).toBe(false);
    expect(hub.unsubscribe('news', a)).toBe(false);
    expect(hub.unsubscribe('news', b)).toBe(true);
    expect(hub.unsubscribe('nowhere', b)).toBe(false);
    expect([hub.numChannels, hub.numSubscriptions, hub.localSubscribers('news')]).toEqual([1, 1, 0]);
    expect(hub.subscribers('news')).toBeUndefined();
  });

  it('counts the connections of one user in a channel', () => {
    const hub = new Hub<{ id: string; user: string }>();
    const a1 = session('a1', 'alice');
    const a2 = session('a2', 'alice');
    const b = session('b', 'bob');
    for (const s of [a1, a2, b]) hub.addClient(s);
    hub.subscribe('room', a1);
    hub.subscribe('room', a2);
    hub.subscribe('room', b);
    hub.subscribe('other', a1);
    expect(hub.userSubscribers('room', 'alice')).toBe(2);
    expect(hub.userSubscribers('other', 'alice')).toBe(1);
    expect(hub.userSubscribers('room', 'carol')).toBe(0);
    expect(hub.userSubscribers('empty', 'alice')).toBe(0);
  });
});

import { MemoryPresenceStore } from '../lib/backends/memory/memory-presence-store.js';

const info = (client: string, user: string) => ({ client, user });

/** On a clock the test moves: entries live `ttl` seconds after their last add. */
describe('MemoryPresenceStore', () => {
  let now = 1_000_000;
  let store: MemoryPresenceStore;

  beforeEach(() => {
    now = 1_000_000;
    store = new MemoryPresenceStore(60, () => now);
  });
  afterEach(() => store.close());

  it('counts clients and users, and removes by client', async () => {
    await store.add('room', info('a1', 'alice'));
    await store.add('room', info('a2', 'alice'));
    await store.add('room', info('b1', 'bob'));
    expect(await store.stats('room')).toEqual({ numClients: 3, numUsers: 2 });
    await store.remove('room', 'a1', 'alice');
    expect(Object.keys(await store.get('room'))).toEqual(['a2', 'b1']);
    await store.remove('room', 'a2', 'alice');
    await store.remove('room', 'b1', 'bob');
    await store.remove('nowhere', 'b1', 'bob');
    expect(await store.stats('room')).toEqual({ numClients: 0, numUsers: 0 });
  });

  it('drops an entry not added again within the ttl', async () => {
    await store.add('room', info('a1', 'alice'));
    await store.add('room', info('b1', 'bob'));
    now += 59_999;
    expect(await store.stats('room')).toEqual({ numClients: 2, numUsers: 2 });
    await store.add('room', info('b1', 'bob'));
    now += 1;
    expect(await store.get('room')).toEqual({ b1: info('b1', 'bob') });
    now += 60_000;
    expect(await store.stats('room')).toEqual({ numClients: 0, numUsers: 0 });
  });

  it('a refresh replaces the entry with its newest info', async () => {
    await store.add('room', info('a1', 'alice'));
    await store.add('room', { ...info('a1', 'alice'), conn_info: { away: true } });
    expect(await store.get('room')).toEqual({ a1: { ...info('a1', 'alice'), conn_info: { away: true } } });
  });
});

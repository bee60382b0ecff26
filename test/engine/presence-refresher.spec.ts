import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { MemoryPresenceStore } from '../../lib/backends/memory/memory-presence-store.js';
import { PresenceRefresher } from '../../lib/engine/presence-refresher.js';
import type { PresenceStore } from '../../lib/presence/presence-store.interface.js';

const info = (client: string, user: string) => ({ client, user });

/** The node's presence loop on jest's fake clock, against the memory store that expires entries on the same clock. */
describe('PresenceRefresher', () => {
  const logger = new Logger('test');
  let store: MemoryPresenceStore;
  let refresher: PresenceRefresher;

  beforeEach(() => {
    jest.useFakeTimers({ now: 1_000_000 });
    store = new MemoryPresenceStore(60, () => Date.now());
    refresher = new PresenceRefresher(store, 60, logger);
  });
  afterEach(() => {
    refresher.stop();
    jest.useRealTimers();
  });

  it('keeps tracked entries alive past the ttl and lets untracked ones expire', async () => {
    for (const [client, user] of [['a1', 'alice'], ['b1', 'bob']] as const) {
      await store.add('room', info(client, user));
      refresher.track('room', info(client, user));
    }
    refresher.start();
    refresher.untrack('room', 'b1');
    // A node that died would stop refreshing: b1 plays that part.
    for (let i = 0; i < 9; i++) await jest.advanceTimersByTimeAsync(20_000);
    expect(await store.get('room')).toEqual({ a1: info('a1', 'alice') });
  });

  it('stops refreshing once stopped', async () => {
    await store.add('room', info('a1', 'alice'));
    refresher.track('room', info('a1', 'alice'));
    refresher.start();
    refresher.stop();
    await jest.advanceTimersByTimeAsync(61_000);
    expect(await store.stats('room')).toEqual({ numClients: 0, numUsers: 0 });
  });

  it('logs a failing store at warn and tries again on the next pass', async () => {
    const add = jest.fn<PresenceStore['add']>().mockRejectedValueOnce(new Error('store down')).mockResolvedValue(undefined);
    const failing = { ...store, add } as unknown as PresenceStore;
    const warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const loop = new PresenceRefresher(failing, 60, logger);
    loop.track('room', info('a1', 'alice'));
    loop.start();
    await jest.advanceTimersByTimeAsync(40_000);
    loop.stop();
    expect(add).toHaveBeenCalledTimes(2);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('store down'));
  });
});

import { MemoryHistoryStore } from '../lib/backends/memory/memory-history-store.js';

const opts = { size: 3, ttl: 60, metaTtl: 3600 };

describe('MemoryHistoryStore', () => {
  let now = 1_000_000;
  let store: MemoryHistoryStore;

  beforeEach(() => {
    now = 1_000_000;
    store = new MemoryHistoryStore(() => now);
  });
  afterEach(() => store.close());

  it('numbers publications from 1 within one epoch and keeps the newest `size`', async () => {
    const first = await store.append('c', { data: 1 }, opts);
    expect(first.offset).toBe(1);
    for (let i = 2; i <= 5; i++) await store.append('c', { data: i }, opts);
    const page = await store.read('c', { limit: -1, metaTtl: 3600 });
    expect(page.epoch).toBe(first.epoch);
    expect(page.offset).toBe(5);
    expect(page.publications.map((p) => [p.offset, p.data])).toEqual([
      [3, 3],
      [4, 4],
      [5, 5],
    ]);
  });

  it('reads since an offset, reversed, limited, and position only', async () => {
    for (let i = 1; i <= 3; i++) await store.append('c', { data: i }, opts);
    const { epoch } = await store.position('c', 3600);
    const read = (q: object) => store.read('c', { limit: -1, metaTtl: 3600, ...q }).then((p) => p.publications.map((x) => x.data));
    expect(await read({ since: { offset: 1, epoch } })).toEqual([2, 3]);
    expect(await read({ reverse: true })).toEqual([3, 2, 1]);
    expect(await read({ reverse: true, since: { offset: 3, epoch } })).toEqual([2, 1]);
    expect(await read({ limit: 1 })).toEqual([1]);
    expect(await read({ limit: 0 })).toEqual([]);
  });

  it('fails with 112 for another epoch and 107 for reverse from offset 0', async () => {
    await store.append('c', { data: 1 }, opts);
    await expect(store.read('c', { limit: 1, since: { offset: 0, epoch: 'old' }, metaTtl: 3600 })).rejects.toMatchObject({ code: 112 });
    const { epoch } = await store.position('c', 3600);
    await expect(store.read('c', { limit: 1, reverse: true, since: { offset: 0, epoch }, metaTtl: 3600 })).rejects.toMatchObject({ code: 107 });
  });

  it('expires publications after ttl but keeps the position until the meta ttl', async () => {
    const { epoch } = await store.append('c', { data: 1 }, opts);
    now += 61_000;
    const page = await store.read('c', { limit: -1, metaTtl: 3600 });
    expect(page).toMatchObject({ publications: [], offset: 1, epoch });
    now += 3600_000;
    const fresh = await store.position('c', 3600);
    expect(fresh.offset).toBe(0);
    expect(fresh.epoch).not.toBe(epoch);
  });

  it('starts a new epoch after remove', async () => {
    const { epoch } = await store.append('c', { data: 1 }, opts);
    await store.remove('c');
    const pos = await store.position('c', 3600);
    expect(pos).toEqual({ offset: 0, epoch: expect.not.stringMatching(epoch) });
  });
});

import type { MessageStateStore } from '../../lib/messages/message-state-store.interface.js';
import { messageId, type MessageState } from '../../lib/messages/message-state.js';

/**
 * What every `MessageStateStore` must do, for each backend's spec to run against its own store:
 * `open` gives a fresh, empty store (a Redis store: its own key prefix), `close` releases it.
 * Channels are unique per test, so a store shared by the tests of one file still isolates them.
 */
export function messageStateStoreContract(name: string, open: () => Promise<MessageStateStore>): void {
  describe(`${name} (MessageStateStore contract)`, () => {
    let store: MessageStateStore;
    let n = 0;
    let channel: string;
    let clock = Date.now();

    const message = (user: string, patch: Partial<MessageState> = {}): MessageState => ({
      // Ids in creation order, as the engine makes them: one millisecond apart keeps the order certain.
      id: messageId(++clock),
      channel,
      offset: patch.offset,
      user,
      data: { text: `from ${user}` },
      createdAt: clock,
      reactions: {},
      ...patch,
    });

    beforeEach(async () => {
      store = await open();
      channel = `contract:${process.pid}-${++n}-${Date.now()}`;
    });

    afterEach(async () => {
      await store.close();
    });

    it('gives back what it was given, and nothing for an unknown id or channel', async () => {
      const m = message('alice', { offset: 1, thread: 'parent', editedAt: 5, data: { text: 'hi', attachments: [{ name: 'a.png', size: 3, mime: 'image/png', url: 'https://x/a.png' }] } });
      await store.put(m, 10);
      expect(await store.get(channel, m.id)).toEqual(m);
      expect(await store.get(channel, 'missing')).toBeUndefined();
      expect(await store.get(`${channel}-other`, m.id)).toBeUndefined();
    });

    it('keeps copies: changing what was put or what came back changes nothing stored', async () => {
      const m = message('alice');
      const before = structuredClone(m);
      await store.put(m, 10);
      m.data = 'changed after put';
      const got = (await store.get(channel, m.id))!;
      got.data = 'changed';
      got.reactions['👍'] = ['mallory'];
      expect(await store.get(channel, m.id)).toEqual(before);
    });

    it('replaces a message put again under its id (an edit, a tombstone)', async () => {
      const m = message('alice', { offset: 1 });
      await store.put(m, 10);
      await store.put({ ...m, data: null, deleted: true }, 10);
      expect(await store.get(channel, m.id)).toEqual({ ...m, data: null, deleted: true });
      expect(await store.page(channel, undefined, 10)).toHaveLength(1);
    });

    it('updates a message but keeps the reactions added since it was read (an edit racing a reaction)', async () => {
      const m = message('alice', { offset: 1 });
      await store.put(m, 10);
      const read = (await store.get(channel, m.id))!;
      await store.react(channel, m.id, '👍', 'bob', true);
      expect(await store.update({ ...read, data: { text: 'edited' }, editedAt: 5 })).toBe(true);
      expect(await store.get(channel, m.id)).toEqual({ ...m, data: { text: 'edited' }, editedAt: 5, reactions: { '👍': ['bob'] } });
      expect(await store.unread(channel, 'carol')).toBe(1);
      expect(await store.update(message('alice'))).toBe(false);
      expect(await store.get(channel, 'unknown')).toBeUndefined();
    });

    it('keeps the newest `keep` messages of a channel, dropping the oldest', async () => {
      const all = [message('a'), message('b'), message('c'), message('d')];
      for (const m of all) await store.put(m, 3);
      expect(await store.get(channel, all[0].id)).toBeUndefined();
      expect((await store.page(channel, undefined, 10)).map((m) => m.id)).toEqual(all.slice(1).map((m) => m.id));
    });

    it('pages the newest messages before an id, oldest first', async () => {
      const all = Array.from({ length: 5 }, (_, i) => message(`u${i}`, { offset: i + 1 }));
      for (const m of all) await store.put(m, 100);
      const ids = all.map((m) => m.id);
      expect((await store.page(channel, undefined, 2)).map((m) => m.id)).toEqual(ids.slice(3));
      expect((await store.page(channel, ids[3], 2)).map((m) => m.id)).toEqual(ids.slice(1, 3));
      expect((await store.page(channel, ids[1], 5)).map((m) => m.id)).toEqual(ids.slice(0, 1));
      expect(await store.page(channel, ids[0], 5)).toEqual([]);
      expect(await store.page(`${channel}-empty`, undefined, 5)).toEqual([]);
    });

    it('lists a thread: the replies to one parent, oldest first, at most `limit`', async () => {
      const parent = message('alice');
      const other = message('bob');
      const replies = [message('bob', { thread: parent.id }), message('carol', { thread: other.id }), message('dave', { thread: parent.id }), message('erin', { thread: parent.id })];
      for (const m of [parent, other, ...replies]) await store.put(m, 100);
      expect((await store.thread(channel, parent.id, 10)).map((m) => m.user)).toEqual(['bob', 'dave', 'erin']);
      expect((await store.thread(channel, parent.id, 2)).map((m) => m.user)).toEqual(['bob', 'dave']);
      expect(await store.thread(channel, replies[0].id, 10)).toEqual([]);
    });

    it('adds and removes reactions per user and emoji, once per user, dropping emptied emoji', async () => {
      const m = message('alice');
      await store.put(m, 10);
      expect(await store.react(channel, m.id, '👍', 'bob', true)).toEqual({ '👍': ['bob'] });
      expect(await store.react(channel, m.id, '👍', 'bob', true)).toEqual({ '👍': ['bob'] });
      expect(await store.react(channel, m.id, '👍', 'carol', true)).toEqual({ '👍': ['bob', 'carol'] });
      expect(await store.react(channel, m.id, '🎉', 'bob', true)).toEqual({ '👍': ['bob', 'carol'], '🎉': ['bob'] });
      expect(await store.react(channel, m.id, '🎉', 'bob', false)).toEqual({ '👍': ['bob', 'carol'] });
      expect(await store.react(channel, m.id, '🎉', 'nobody', false)).toEqual({ '👍': ['bob', 'carol'] });
      expect((await store.get(channel, m.id))!.reactions).toEqual({ '👍': ['bob', 'carol'] });
      expect(await store.react(channel, 'missing', '👍', 'bob', true)).toBeUndefined();
    });

    it('removes a message', async () => {
      const [a, b] = [message('alice'), message('bob')];
      await store.put(a, 10);
      await store.put(b, 10);
      await store.remove(channel, a.id);
      await store.remove(channel, 'missing');
      expect(await store.get(channel, a.id)).toBeUndefined();
      expect((await store.page(channel, undefined, 10)).map((m) => m.id)).toEqual([b.id]);
    });

    it('moves read positions forward only, per user and channel', async () => {
      expect(await store.setRead(channel, 'alice', 3)).toBe(3);
      expect(await store.setRead(channel, 'alice', 2)).toBe(3);
      expect(await store.setRead(channel, 'alice', 7)).toBe(7);
      expect(await store.setRead(channel, 'bob', 1)).toBe(1);
      expect(await store.setRead(`${channel}-other`, 'alice', 1)).toBe(1);
    });

    it('counts unread: after the read position, not the user’s own, not deleted', async () => {
      const msgs = [
        message('bob', { offset: 1 }),
        message('alice', { offset: 2 }),
        message('bob', { offset: 3 }),
        message('carol', { offset: 4, deleted: true, data: null }),
        message('carol', { offset: 5 }),
      ];
      for (const m of msgs) await store.put(m, 100);
      expect(await store.unread(channel, 'alice')).toBe(3);
      expect(await store.unread(channel, 'bob')).toBe(2);
      await store.setRead(channel, 'alice', 3);
      expect(await store.unread(channel, 'alice')).toBe(1);
      await store.setRead(channel, 'alice', 5);
      expect(await store.unread(channel, 'alice')).toBe(0);
      expect(await store.unread(`${channel}-empty`, 'alice')).toBe(0);
    });
  });
}

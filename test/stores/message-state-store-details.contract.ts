import type { MessageStateStore } from '../../lib/messages/message-state-store.interface.js';
import { messageId, type MessageState } from '../../lib/messages/message-state.js';

/** More of what every `MessageStateStore` must do, beside the contract: trimming with threads, reactions, data kept byte for byte (fresh store per test, closed here). */
export function messageStateStoreDetails(name: string, store: () => MessageStateStore | Promise<MessageStateStore>): void {
  describe(`${name} (MessageStateStore details: trimming, reactions, JSON fidelity)`, () => {
    let s: MessageStateStore;
    let n = 0;
    let clock = 1_700_000_000_000;
    const channel = () => `chat:${process.pid}-${Date.now()}-${n++}`;
    /** Ids made a millisecond apart, so their order is their creation order. */
    const message = (ch: string, extra: Partial<MessageState> = {}): MessageState => ({
      id: messageId(clock++),
      channel: ch,
      user: 'alice',
      data: { text: 'hi', list: [], empty: {}, big: 2 ** 53 - 1, float: 0.1 + 0.2, uni: 'ünï 😀 / "q"' },
      createdAt: clock,
      reactions: {},
      ...extra,
    });

    beforeEach(async () => {
      s = await store();
    });
    afterEach(async () => {
      await s.close();
    });

    it('keeps a message exactly as put, replaces it by id, and forgets a removed one', async () => {
      const ch = channel();
      const m = message(ch, { offset: 4, thread: 'parent-id', reactions: { '👍': ['bob'] } });
      await s.put(m, 100);
      expect(await s.get(ch, m.id)).toEqual(m);
      const edited = { ...m, data: { text: 'edited' }, editedAt: clock };
      await s.put(edited, 100);
      expect(await s.get(ch, m.id)).toEqual(edited);
      expect(await s.get(channel(), m.id)).toBeUndefined();
      await s.remove(ch, m.id);
      expect(await s.get(ch, m.id)).toBeUndefined();
      expect(await s.page(ch, undefined, 10)).toEqual([]);
    });

    it('pages the newest messages before an id, oldest first, and keeps only the newest `keep`', async () => {
      const ch = channel();
      const all = Array.from({ length: 6 }, () => message(ch));
      for (const m of all) await s.put(m, 5);
      const ids = all.map((m) => m.id);
      expect((await s.page(ch, undefined, 10)).map((m) => m.id)).toEqual(ids.slice(1));
      expect((await s.page(ch, undefined, 2)).map((m) => m.id)).toEqual(ids.slice(4));
      expect((await s.page(ch, ids[4], 2)).map((m) => m.id)).toEqual(ids.slice(2, 4));
      expect(await s.get(ch, ids[0]!)).toBeUndefined();
      // An edit of a kept message does not push another out.
      await s.put({ ...all[1]!, data: 'edited' }, 5);
      expect((await s.page(ch, undefined, 10)).map((m) => m.id)).toEqual(ids.slice(1));
    });

    it('answers a thread\'s replies oldest first, without replies to other messages, and forgets trimmed ones', async () => {
      const ch = channel();
      const parent = message(ch);
      const other = message(ch);
      await s.put(parent, 4);
      await s.put(other, 4);
      const replies = [message(ch, { thread: parent.id }), message(ch, { thread: other.id }), message(ch, { thread: parent.id })];
      for (const r of replies) await s.put(r, 4);
      expect((await s.thread(ch, parent.id, 10)).map((m) => m.id)).toEqual([replies[0]!.id, replies[2]!.id]);
      expect((await s.thread(ch, parent.id, 1)).map((m) => m.id)).toEqual([replies[0]!.id]);
      // Trimming the parents keeps their replies; trimming a reply takes it out of its thread.
      await s.put(message(ch, { thread: other.id }), 4);
      expect((await s.thread(ch, other.id, 10)).length).toBe(2);
      await s.put(message(ch), 4);
      await s.put(message(ch), 4);
      expect((await s.thread(ch, parent.id, 10)).map((m) => m.id)).toEqual([replies[2]!.id]);
    });

    it('adds and removes reactions per emoji and user, answering the reactions after; none for an unknown message', async () => {
      const ch = channel();
      const m = message(ch);
      await s.put(m, 10);
      expect(await s.react(ch, m.id, '👍', 'bob', true)).toEqual({ '👍': ['bob'] });
      expect(await s.react(ch, m.id, '👍', 'bob', true)).toEqual({ '👍': ['bob'] });
      expect(await s.react(ch, m.id, '🎉', 'carol', true)).toEqual({ '👍': ['bob'], '🎉': ['carol'] });
      expect(await s.react(ch, m.id, '👍', 'carol', true)).toEqual({ '👍': ['bob', 'carol'], '🎉': ['carol'] });
      expect(await s.react(ch, m.id, '👍', 'bob', false)).toEqual({ '👍': ['carol'], '🎉': ['carol'] });
      expect(await s.react(ch, m.id, '🎉', 'carol', false)).toEqual({ '👍': ['carol'] });
      expect(await s.react(ch, m.id, '🎉', 'nobody', false)).toEqual({ '👍': ['carol'] });
      expect((await s.get(ch, m.id))?.reactions).toEqual({ '👍': ['carol'] });
      expect((await s.get(ch, m.id))?.data).toEqual(m.data);
      expect(await s.react(ch, 'no-such-id', '👍', 'bob', true)).toBeUndefined();
      await s.react(ch, m.id, '👍', 'carol', false);
      expect((await s.get(ch, m.id))?.reactions).toEqual({});
    });

    it('moves read positions only forward, and counts unread messages that are not the user\'s own nor deleted', async () => {
      const ch = channel();
      const msgs = [
        message(ch, { offset: 1, user: 'alice' }),
        message(ch, { offset: 2, user: 'bob' }),
        message(ch, { offset: 3, user: 'bob' }),
        message(ch, { offset: 4, user: 'carol' }),
        message(ch, { user: 'bob' }),
      ];
      for (const m of msgs) await s.put(m, 10);
      expect(await s.unread(ch, 'alice')).toBe(3);
      expect(await s.unread(ch, 'bob')).toBe(2);
      expect(await s.setRead(ch, 'alice', 2)).toBe(2);
      expect(await s.setRead(ch, 'alice', 1)).toBe(2);
      expect(await s.unread(ch, 'alice')).toBe(2);
      await s.put({ ...msgs[2]!, data: null, deleted: true, reactions: {} }, 10);
      expect(await s.unread(ch, 'alice')).toBe(1);
      await s.remove(ch, msgs[3]!.id);
      expect(await s.unread(ch, 'alice')).toBe(0);
      expect(await s.unread(ch, 'dave')).toBe(2);
      expect(await s.unread(channel(), 'alice')).toBe(0);
    });
  });
}

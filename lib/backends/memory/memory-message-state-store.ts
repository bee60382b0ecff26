import type { MessageStateStore } from '../../messages/message-state-store.interface.js';
import type { MessageState } from '../../messages/message-state.js';

const copy = (state: MessageState): MessageState => structuredClone(state);

/** Messages of one process: per channel, in id order (which is creation order). */
export class MemoryMessageStateStore implements MessageStateStore {
  private readonly channels = new Map<string, Map<string, MessageState>>();
  private readonly reads = new Map<string, Map<string, number>>();

  async put(state: MessageState, keep: number): Promise<void> {
    let messages = this.channels.get(state.channel);
    if (!messages) {
      messages = new Map();
      this.channels.set(state.channel, messages);
    }
    messages.set(state.id, copy(state));
    // Maps keep insertion order, and ids are made in time order: the first keys are the oldest.
    for (const id of messages.keys()) {
      if (messages.size <= keep) break;
      messages.delete(id);
    }
  }

  async update(state: MessageState): Promise<boolean> {
    const messages = this.channels.get(state.channel);
    const old = messages?.get(state.id);
    if (!messages || !old) return false;
    messages.set(state.id, { ...copy(state), reactions: old.reactions });
    return true;
  }

  async get(channel: string, id: string): Promise<MessageState | undefined> {
    const state = this.channels.get(channel)?.get(id);
    return state && copy(state);
  }

  async page(channel: string, before: string | undefined, limit: number): Promise<MessageState[]> {
    const all = [...(this.channels.get(channel)?.values() ?? [])];
    const older = before === undefined ? all : all.filter((m) => m.id < before);
    return older.slice(Math.max(0, older.length - limit)).map(copy);
  }

  async thread(channel: string, parent: string, limit: number): Promise<MessageState[]> {
    return [...(this.channels.get(channel)?.values() ?? [])].filter((m) => m.thread === parent).slice(0, limit).map(copy);
  }

  async react(channel: string, id: string, emoji: string, user: string, add: boolean): Promise<Record<string, string[]> | undefined> {
    const state = this.channels.get(channel)?.get(id);
    if (!state) return undefined;
    const users = new Set(state.reactions[emoji] ?? []);
    if (add) users.add(user);
    else users.delete(user);
    if (users.size > 0) state.reactions[emoji] = [...users];
    else delete state.reactions[emoji];
    return structuredClone(state.reactions);
  }

  async remove(channel: string, id: string): Promise<void> {
    this.channels.get(channel)?.delete(id);
  }

  async setRead(channel: string, user: string, offset: number): Promise<number> {
    let users = this.reads.get(channel);
    if (!users) {
      users = new Map();
      this.reads.set(channel, users);
    }
    const now = Math.max(users.get(user) ?? 0, offset);
    users.set(user, now);
    return now;
  }

  async unread(channel: string, user: string): Promise<number> {
    const read = this.reads.get(channel)?.get(user) ?? 0;
    let count = 0;
    for (const m of this.channels.get(channel)?.values() ?? []) {
      if (!m.deleted && m.user !== user && (m.offset ?? 0) > read) count++;
    }
    return count;
  }

  async close(): Promise<void> {
    this.channels.clear();
    this.reads.clear();
  }
}

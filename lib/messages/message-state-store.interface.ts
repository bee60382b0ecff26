import type { MessageState } from './message-state.js';

/** Injection token of the `MessageStateStore`; the backend provides it. */
export const MESSAGE_STATE_STORE = Symbol('MESSAGE_STATE_STORE');

/**
 * Messages' current state and users' read positions, per channel, across every node. The store is
 * the truth about a message's state; history carries the events that made it (for recovery).
 */
export interface MessageStateStore {
  /** Stores or replaces a message; past `keep` messages in its channel the oldest are dropped. */
  put(state: MessageState, keep: number): Promise<void>;
  /**
   * Replaces a stored message's state (an edit) but keeps its reactions, which change atomically on
   * their own: a reaction added on another node meanwhile is not lost. False for no such message.
   */
  update(state: MessageState): Promise<boolean>;
  get(channel: string, id: string): Promise<MessageState | undefined>;
  /** The newest `limit` messages older than `before` (an id), oldest first. */
  page(channel: string, before: string | undefined, limit: number): Promise<MessageState[]>;
  /** Replies to `parent`, oldest first. */
  thread(channel: string, parent: string, limit: number): Promise<MessageState[]>;
  /** Adds or removes the user's reaction; the message's reactions after, undefined for no such message. */
  react(channel: string, id: string, emoji: string, user: string, add: boolean): Promise<Record<string, string[]> | undefined>;
  remove(channel: string, id: string): Promise<void>;
  /** Moves the user's read position forward (never back); returns the position now. */
  setRead(channel: string, user: string, offset: number): Promise<number>;
  /** Messages after the user's read position, not the user's own, not deleted. */
  unread(channel: string, user: string): Promise<number>;
  close(): Promise<void>;
}

import { randomBytes } from 'node:crypto';

/** A chat message as it is now: its publication folded with the edits, deletion and reactions since. */
export interface MessageState {
  /** The server's id, `tags.id` of its publications. */
  id: string;
  channel: string;
  /** Its offset in the channel's history, when the namespace keeps one. */
  offset?: number;
  /** The author (empty for a server publication without one). */
  user: string;
  /** The data as last edited; `null` once deleted. */
  data: unknown;
  /** The id of the message it replies to. */
  thread?: string;
  /** Unix milliseconds. */
  createdAt: number;
  editedAt?: number;
  deleted?: boolean;
  /** Emoji to the users who reacted with it. */
  reactions: Record<string, string[]>;
}

/** The `type` tags of message publications. */
export const MessageTypes = {
  Message: 'message',
  Edit: 'edit',
  Delete: 'delete',
  Reaction: 'reaction',
  Read: 'read',
} as const;

/**
 * A new message id: time first (base 36 milliseconds, fixed width) so ids sort in the order they were
 * made, then 9 random bytes so two nodes never make the same one.
 */
export function messageId(now = Date.now()): string {
  return `${now.toString(36).padStart(9, '0')}${randomBytes(9).toString('base64url')}`;
}

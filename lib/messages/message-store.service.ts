import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { Node } from '../engine/node.js';
import type { PublicationHook } from '../engine/publication-hook.interface.js';
import type { ResolvedStreamingOptions } from '../options/resolve-options.js';
import { ErrorCode } from '../protocol/codes.js';
import type { Publication, StreamPosition } from '../protocol/frames.js';
import { StreamingError } from '../protocol/protocol-error.js';
import { STREAMING_OPTIONS } from '../streaming.constants.js';
import { checkAttachments, checkEmoji, edited, threadOf } from './message-input.js';
import { MESSAGE_STATE_STORE, type MessageStateStore } from './message-state-store.interface.js';
import { messageId, MessageTypes, type MessageState } from './message-state.js';

/** Messages one page or thread holds at most. */
const MAX_PAGE = 200;

/**
 * Chat messages in namespaces with `messages`: every publication there gets a server id
 * (`tags.id`; a reply's parent in `tags.thread`), and its state is kept. Edits, deletions,
 * reactions and read receipts are themselves publications (stored in history, so a recovering
 * client replays what it missed) tagged `edit`, `delete`, `reaction`, `read` with the message's
 * `tags.id`. Calls here act as the server: the `message.*` rpcs check the caller first.
 */
@Injectable()
export class MessageStore implements PublicationHook, OnModuleInit {
  constructor(
    private readonly node: Node,
    @Inject(MESSAGE_STATE_STORE) private readonly store: MessageStateStore,
    @Inject(STREAMING_OPTIONS) private readonly options: ResolvedStreamingOptions,
  ) {}

  onModuleInit(): void {
    this.node.setPublicationHook(this);
  }

  /** Stamps a new message (not the change events this service publishes itself). */
  async prepare(channel: string, publication: Publication): Promise<void> {
    const type = publication.tags?.type;
    if (type !== undefined && type !== MessageTypes.Message) return;
    checkAttachments(publication.data);
    const thread = threadOf(publication.data);
    if (thread !== undefined && !(await this.store.get(channel, thread))) throw StreamingError.of(ErrorCode.BadRequest, `thread ${thread} is no message of ${channel}`);
    publication.tags = { ...publication.tags, type: MessageTypes.Message, id: messageId(), ...(thread ? { thread } : {}) };
  }

  async published(channel: string, publication: Publication, position: StreamPosition | undefined): Promise<void> {
    const { tags } = publication;
    if (tags?.type !== MessageTypes.Message || !tags.id) return;
    const state: MessageState = {
      id: tags.id,
      channel,
      user: publication.info?.user ?? '',
      data: publication.data,
      createdAt: Date.now(),
      reactions: {},
      ...(position ? { offset: position.offset } : {}),
      ...(tags.thread ? { thread: tags.thread } : {}),
    };
    await this.store.put(state, this.options.messages.maxPerChannel);
  }

  get(channel: string, id: string): Promise<MessageState | undefined> {
    return this.store.get(channel, id);
  }

  /** The newest messages before `before` (an id), oldest first, in their current state. */
  page(channel: string, opts: { before?: string; limit?: number } = {}): Promise<MessageState[]> {
    return this.store.page(channel, opts.before, clamp(opts.limit));
  }

  thread(channel: string, id: string, limit?: number): Promise<MessageState[]> {
    return this.store.thread(channel, id, clamp(limit));
  }

  /** Replaces the fields `data` gives (or the whole data); publishes `edit`. */
  async edit(channel: string, id: string, data: unknown, by: string): Promise<MessageState> {
    const state = await this.require(channel, id);
    const next: MessageState = { ...state, data: edited(state.data, data), editedAt: Date.now() };
    checkAttachments(next.data);
    if (!(await this.store.update(next))) throw unknownMessage(channel, id);
    await this.publish(channel, MessageTypes.Edit, id, { id, user: by, data: next.data, editedAt: next.editedAt });
    return next;
  }

  /** A tombstone: the message stays (replies keep their parent), its data goes; publishes `delete`. */
  async delete(channel: string, id: string, by: string): Promise<void> {
    const state = await this.require(channel, id);
    const deletedAt = Date.now();
    await this.store.put({ ...state, data: null, deleted: true, reactions: {} }, this.options.messages.maxPerChannel);
    await this.publish(channel, MessageTypes.Delete, id, { id, user: by, deletedAt });
  }

  /** Adds (or with `remove`, takes back) the user's reaction; publishes `reaction`; the emoji's count after. */
  async react(channel: string, id: string, emoji: string, user: string, remove = false): Promise<number> {
    checkEmoji(emoji);
    await this.require(channel, id);
    const reactions = await this.store.react(channel, id, emoji, user, !remove);
    if (!reactions) throw unknownMessage(channel, id);
    const count = reactions[emoji]?.length ?? 0;
    await this.publish(channel, MessageTypes.Reaction, id, { id, user, emoji, action: remove ? 'remove' : 'add', count });
    return count;
  }

  /** The user has read the channel up to `offset`; publishes `read`; the user's unread count after. */
  async markRead(channel: string, user: string, offset: number): Promise<number> {
    if (!Number.isSafeInteger(offset) || offset < 0) throw StreamingError.of(ErrorCode.BadRequest, 'offset must be a whole number >= 0');
    const now = await this.store.setRead(channel, user, offset);
    await this.publish(channel, MessageTypes.Read, undefined, { user, offset: now });
    return this.store.unread(channel, user);
  }

  /** Unread messages per channel for the user. */
  async unread(user: string, channels: readonly string[]): Promise<Record<string, number>> {
    const counts = await Promise.all(channels.map((channel) => this.store.unread(channel, user)));
    return Object.fromEntries(channels.map((channel, i) => [channel, counts[i]!]));
  }

  /** Forgets a message's state altogether (its publications stay in history until they expire). */
  remove(channel: string, id: string): Promise<void> {
    return this.store.remove(channel, id);
  }

  private async require(channel: string, id: string): Promise<MessageState> {
    const state = typeof id === 'string' ? await this.store.get(channel, id) : undefined;
    if (!state || state.deleted) throw unknownMessage(channel, id);
    return state;
  }

  private async publish(channel: string, type: string, id: string | undefined, data: object): Promise<void> {
    await this.node.publish(channel, { data, tags: { type, ...(id ? { id } : {}) } });
  }
}

function clamp(limit: number | undefined): number {
  return Math.min(Math.max(limit ?? 50, 1), MAX_PAGE);
}

function unknownMessage(channel: string, id: unknown): StreamingError {
  return StreamingError.of(ErrorCode.UnknownChannel, `no message ${JSON.stringify(id)} in ${channel}`);
}

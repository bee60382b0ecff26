import { Inject, Injectable } from '@nestjs/common';
import type { ClientInfo } from '../engine/client-info.js';
import { Node } from '../engine/node.js';
import { BuiltInHandlers, OnRpc } from '../handlers/handler.decorators.js';
import { ConnectedClient, StreamingBody } from '../handlers/param.decorators.js';
import { Permission } from '../permissions/permission.enum.js';
import { ErrorCode } from '../protocol/codes.js';
import { StreamingError } from '../protocol/protocol-error.js';
import { MESSAGE_POLICY, type MessagePolicy } from './message-policy.interface.js';
import type { MessageState } from './message-state.js';
import { MessageStore } from './message-store.service.js';

/** Channels one `message.unread` may ask about. */
const MAX_CHANNELS = 100;

type Body = Record<string, unknown>;

function body(data: unknown): Body {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw StreamingError.of(ErrorCode.BadRequest, 'the rpc takes an object');
  return data as Body;
}

function text(b: Body, field: string): string {
  const value = b[field];
  if (typeof value !== 'string' || value === '') throw StreamingError.of(ErrorCode.BadRequest, `${field} required`);
  return value;
}

/**
 * The `message.*` rpcs. Changing a message takes the right to publish in its channel (as the
 * client's own publication did); edit and delete also take authorship or the `MessagePolicy`'s
 * word on moderation (by default a room role with `moderate`, or the connection role `moderator` or `admin`). Reading state takes the right to
 * read history (read positions: to subscribe).
 */
@BuiltInHandlers()
@Injectable()
export class MessageHandlers {
  constructor(
    private readonly node: Node,
    private readonly messages: MessageStore,
    @Inject(MESSAGE_POLICY) private readonly policy: MessagePolicy,
  ) {}

  @OnRpc('message.edit')
  async edit(@StreamingBody() data: unknown, @ConnectedClient() client: ClientInfo) {
    const b = body(data);
    const channel = await this.allowed(client, text(b, 'channel'), Permission.Publish);
    const id = text(b, 'id');
    if (b.data === undefined) throw StreamingError.of(ErrorCode.BadRequest, 'data required');
    await this.mayChange(client, channel, await this.messages.get(channel, id), 'edit');
    const state = await this.messages.edit(channel, id, b.data, client.user);
    return { id, editedAt: state.editedAt };
  }

  @OnRpc('message.delete')
  async delete(@StreamingBody() data: unknown, @ConnectedClient() client: ClientInfo) {
    const b = body(data);
    const channel = await this.allowed(client, text(b, 'channel'), Permission.Publish);
    const id = text(b, 'id');
    await this.mayChange(client, channel, await this.messages.get(channel, id), 'delete');
    await this.messages.delete(channel, id, client.user);
    return {};
  }

  @OnRpc('message.react')
  async react(@StreamingBody() data: unknown, @ConnectedClient() client: ClientInfo) {
    const b = body(data);
    const channel = await this.allowed(client, text(b, 'channel'), Permission.Publish);
    const count = await this.messages.react(channel, text(b, 'id'), b.emoji as string, client.user, b.remove === true);
    return { count };
  }

  @OnRpc('message.read')
  async read(@StreamingBody() data: unknown, @ConnectedClient() client: ClientInfo) {
    const b = body(data);
    const channel = await this.allowed(client, text(b, 'channel'), Permission.Subscribe);
    return { unread: await this.messages.markRead(channel, client.user, b.offset as number) };
  }

  @OnRpc('message.unread')
  async unread(@StreamingBody() data: unknown, @ConnectedClient() client: ClientInfo) {
    const { channels } = body(data);
    if (!Array.isArray(channels) || channels.length > MAX_CHANNELS || !channels.every((c) => typeof c === 'string')) {
      throw StreamingError.of(ErrorCode.BadRequest, `channels must be a list of at most ${MAX_CHANNELS} channel names`);
    }
    for (const channel of channels as string[]) await this.allowed(client, channel, Permission.Subscribe);
    return { unread: await this.messages.unread(client.user, channels as string[]) };
  }

  @OnRpc('message.thread')
  async thread(@StreamingBody() data: unknown, @ConnectedClient() client: ClientInfo) {
    const b = body(data);
    const channel = await this.allowed(client, text(b, 'channel'), Permission.History);
    return { messages: await this.messages.thread(channel, text(b, 'id'), b.limit as number | undefined) };
  }

  @OnRpc('message.get')
  async get(@StreamingBody() data: unknown, @ConnectedClient() client: ClientInfo) {
    const b = body(data);
    const channel = await this.allowed(client, text(b, 'channel'), Permission.History);
    const { ids } = b;
    if (!Array.isArray(ids) || ids.length > MAX_CHANNELS || !ids.every((id) => typeof id === 'string')) {
      throw StreamingError.of(ErrorCode.BadRequest, `ids must be a list of at most ${MAX_CHANNELS} message ids`);
    }
    const found = await Promise.all((ids as string[]).map((id) => this.messages.get(channel, id)));
    return { messages: found.filter((m): m is MessageState => m !== undefined) };
  }

  /** The channel, once the client may act in it like the matching client command; anonymous clients have no messages. */
  private async allowed(client: ClientInfo, channel: string, permission: Permission): Promise<string> {
    if (client.user === '') throw StreamingError.of(ErrorCode.PermissionDenied, 'messages need a user');
    await this.node.authorize(client, channel, permission, { subscribed: client.channels.includes(channel) });
    if (!this.node.resolver.resolve(channel).options.messages) throw StreamingError.of(ErrorCode.NotAvailable, `messages are off for ${channel}`);
    return channel;
  }

  private async mayChange(client: ClientInfo, channel: string, message: MessageState | undefined, action: 'edit' | 'delete'): Promise<void> {
    if (!message || message.user === client.user) return;
    if (await this.policy.mayModerate({ client, channel, message, action })) return;
    throw StreamingError.of(ErrorCode.PermissionDenied, 'only the author or a moderator may change a message');
  }
}

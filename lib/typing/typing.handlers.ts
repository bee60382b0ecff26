import { Injectable } from '@nestjs/common';
import type { ClientInfo } from '../engine/client-info.js';
import { Node } from '../engine/node.js';
import { BuiltInHandlers, OnRpc } from '../handlers/handler.decorators.js';
import { ConnectedClient, StreamingBody } from '../handlers/param.decorators.js';
import { Permission } from '../permissions/permission.enum.js';
import { ErrorCode } from '../protocol/codes.js';
import { StreamingError } from '../protocol/protocol-error.js';
import { TypingTracker } from './typing-tracker.js';

/** The `typing` rpc: `{ channel, typing?: boolean }` (default true), allowed where the client may publish. */
@BuiltInHandlers()
@Injectable()
export class TypingHandlers {
  constructor(
    private readonly node: Node,
    private readonly tracker: TypingTracker,
  ) {}

  @OnRpc('typing')
  async typing(@StreamingBody() body: unknown, @ConnectedClient() client: ClientInfo): Promise<object> {
    const { channel, typing = true } = (body ?? {}) as { channel?: unknown; typing?: unknown };
    if (typeof channel !== 'string' || channel === '') throw StreamingError.of(ErrorCode.BadRequest, 'typing: channel required');
    if (typeof typing !== 'boolean') throw StreamingError.of(ErrorCode.BadRequest, 'typing: typing must be a boolean');
    // Anonymous typing would broadcast an empty name to the room.
    if (client.user === '') throw StreamingError.of(ErrorCode.PermissionDenied, 'typing needs a user');
    await this.node.authorize(client, channel, Permission.Publish, { subscribed: client.channels.includes(channel) });
    if (typing) this.tracker.start(channel, client.user);
    else this.tracker.stop(channel, client.user);
    return {};
  }
}

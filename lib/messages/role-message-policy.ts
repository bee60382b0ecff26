import type { RoomService } from '../rooms/room.service.js';
import type { MessageChangeRequest, MessagePolicy } from './message-policy.interface.js';

/** Connection roles (token `roles`) that may change anyone's messages. */
const MODERATOR_ROLES = ['moderator', 'admin'];

/**
 * The default moderation rule: the connection role `moderator` or `admin`, or a room role with
 * `moderate` in the message's room. Rooms come second because they cost a store read.
 */
export class RoleMessagePolicy implements MessagePolicy {
  constructor(private readonly rooms: RoomService) {}

  async mayModerate({ client, channel }: MessageChangeRequest): Promise<boolean> {
    if ((client.roles ?? []).some((role) => MODERATOR_ROLES.includes(role))) return true;
    return this.rooms.can(channel, client.user, 'moderate');
  }
}

import type { ChannelAccess, ChannelAccessRequest } from '../permissions/channel-access.interface.js';
import { Permission } from '../permissions/permission.enum.js';
import type { RoomStore } from './room-store.interface.js';
import type { RoomAction } from './room.js';

/**
 * Room rules as the engine's asynchronous permission step, after the app's own `channelAccess`: a
 * private room is read only by its members, and in any room a client publishes only with a role
 * that may. A channel that is no room is left to the namespace rules.
 */
export class RoomAccess implements ChannelAccess {
  constructor(
    private readonly store: RoomStore,
    private readonly roles: Readonly<Record<string, readonly RoomAction[]>>,
    private readonly app: ChannelAccess,
  ) {}

  async allows(request: ChannelAccessRequest): Promise<boolean> {
    if (!(await this.app.allows(request))) return false;
    const { channel, permission, identity } = request;
    const room = await this.store.get(channel);
    if (!room) return true;
    if (!room.private && permission !== Permission.Publish) return true;
    const member = await this.store.member(channel, identity.user);
    if (!member) return false;
    return permission !== Permission.Publish || (this.roles[member.role] ?? []).includes('publish');
  }
}

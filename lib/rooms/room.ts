/** A room: a channel with members. Its key is the channel name. */
export interface Room {
  channel: string;
  name: string;
  /** The app's own fields (topic, avatar...), plain JSON. */
  metadata: Record<string, unknown>;
  /** Subscribing (and reading presence and history) takes membership; publishing always does. */
  private: boolean;
  createdBy: string;
  /** Unix milliseconds. */
  createdAt: number;
}

/** `owner`, `moderator`, `member`, or a role of the app's (`rooms.roles`). */
export type RoomRole = string;

export interface RoomMember {
  user: string;
  role: RoomRole;
  /** Unix milliseconds. */
  joinedAt: number;
}

/** What a role may do in its room. */
export type RoomAction = 'publish' | 'invite' | 'remove' | 'moderate' | 'update' | 'delete';

export const roomActions: readonly RoomAction[] = ['publish', 'invite', 'remove', 'moderate', 'update', 'delete'];

/** The built-in roles; `rooms.roles` may redefine them and add others. */
export const defaultRoomRoles: Readonly<Record<string, readonly RoomAction[]>> = {
  owner: roomActions,
  moderator: ['publish', 'invite', 'remove', 'moderate'],
  member: ['publish'],
};

/** The `type` tag of membership publications. */
export const MEMBER_TYPE = 'member';

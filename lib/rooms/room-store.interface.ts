import type { Room, RoomMember } from './room.js';

/** Injection token of the `RoomStore`; the backend provides it. */
export const ROOM_STORE = Symbol('ROOM_STORE');

export interface MembersPage {
  members: RoomMember[];
  /** Pass it back for the next page; absent on the last one. */
  cursor?: string;
}

/**
 * Rooms and their members, across every node. Members are ordered by user name, so pages are
 * stable while members come and go. Values are plain JSON.
 */
export interface RoomStore {
  /** Stores a new room with its first members; false when the channel is a room already. */
  create(room: Room, members: RoomMember[]): Promise<boolean>;
  /** Replaces the room's record; false when there is no such room. */
  update(room: Room): Promise<boolean>;
  /** Removes the room and its memberships; the members it had. */
  delete(channel: string): Promise<string[]>;
  get(channel: string): Promise<Room | undefined>;
  /** Adds or updates a membership. */
  putMember(channel: string, member: RoomMember): Promise<void>;
  /** False when the user was not a member. */
  removeMember(channel: string, user: string): Promise<boolean>;
  member(channel: string, user: string): Promise<RoomMember | undefined>;
  /** Members after `cursor` (a user name), `limit` of them. */
  members(channel: string, cursor: string | undefined, limit: number): Promise<MembersPage>;
  /** Channels of the rooms the user is a member of. */
  roomsOf(user: string): Promise<string[]>;
  close(): Promise<void>;
}

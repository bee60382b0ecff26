import { Inject, Injectable } from '@nestjs/common';
import { Node } from '../engine/node.js';
import { StreamingManager } from '../manager/streaming-manager.js';
import type { ResolvedStreamingOptions } from '../options/resolve-options.js';
import { ErrorCode } from '../protocol/codes.js';
import { StreamingError } from '../protocol/protocol-error.js';
import { STREAMING_OPTIONS } from '../streaming.constants.js';
import { ROOM_STORE, type MembersPage, type RoomStore } from './room-store.interface.js';
import { MEMBER_TYPE, type Room, type RoomAction, type RoomMember, type RoomRole } from './room.js';

export interface CreateRoomInput {
  channel: string;
  name?: string;
  metadata?: Record<string, unknown>;
  private?: boolean;
  /** Becomes the room's `owner`. */
  owner: string;
  members?: Array<{ user: string; role?: RoomRole }>;
}

export type RoomPatch = Partial<Pick<Room, 'name' | 'metadata' | 'private'>>;

/** Members one page holds at most. */
const MAX_PAGE = 500;

/**
 * Rooms: channels with members and roles. A private room is subscribed to (and its presence and
 * history read) by members only; in any room, clients publish with a role that may (`RoomAccess`,
 * the engine's permission step). Membership changes are publications tagged `type: member`, data
 * `{ action: 'added' | 'removed' | 'updated', user, role, by? }`; a removed member's connections are
 * unsubscribed on every node (push 2000). Calls here act as the server: check `can` for a user's
 * right to an action before calling on their behalf.
 */
@Injectable()
export class RoomService {
  constructor(
    @Inject(ROOM_STORE) private readonly store: RoomStore,
    private readonly node: Node,
    private readonly streaming: StreamingManager,
    @Inject(STREAMING_OPTIONS) private readonly options: ResolvedStreamingOptions,
  ) {}

  async create(input: CreateRoomInput): Promise<Room> {
    const { channel, owner } = input;
    // An unknown namespace or a malformed name is 102/107 before anything is stored.
    this.node.resolver.resolve(channel);
    if (typeof owner !== 'string' || owner === '') throw StreamingError.of(ErrorCode.BadRequest, 'a room needs an owner');
    const room: Room = {
      channel,
      name: input.name ?? channel,
      metadata: input.metadata ?? {},
      private: input.private ?? false,
      createdBy: owner,
      createdAt: Date.now(),
    };
    const now = Date.now();
    const members = new Map<string, RoomMember>([[owner, { user: owner, role: 'owner', joinedAt: now }]]);
    for (const { user, role = 'member' } of input.members ?? []) if (!members.has(user)) members.set(user, { user, role: this.checkRole(role), joinedAt: now });
    for (const user of members.keys()) await this.checkRoomCount(user);
    if (!(await this.store.create(room, [...members.values()]))) throw StreamingError.of(ErrorCode.BadRequest, `${channel} is a room already`);
    return room;
  }

  async update(channel: string, patch: RoomPatch): Promise<Room> {
    const room = { ...(await this.require(channel)), ...patch, channel };
    await this.store.update(room);
    return room;
  }

  /** Removes the room; its members' connections are unsubscribed from the channel. */
  async delete(channel: string): Promise<void> {
    await this.require(channel);
    const members = await this.store.delete(channel);
    await Promise.all(members.map((user) => this.streaming.unsubscribe(user, channel)));
  }

  get(channel: string): Promise<Room | undefined> {
    return this.store.get(channel);
  }

  async addMember(channel: string, user: string, role: RoomRole = 'member', by?: string): Promise<RoomMember> {
    await this.require(channel);
    if (typeof user !== 'string' || user === '') throw StreamingError.of(ErrorCode.BadRequest, 'a member needs a user name');
    const existing = await this.store.member(channel, user);
    if (!existing) await this.checkRoomCount(user);
    const member = { user, role: this.checkRole(role), joinedAt: existing?.joinedAt ?? Date.now() };
    await this.store.putMember(channel, member);
    await this.announce(channel, existing ? 'updated' : 'added', member, by);
    return member;
  }

  async setRole(channel: string, user: string, role: RoomRole, by?: string): Promise<RoomMember> {
    if (!(await this.store.member(channel, user))) throw StreamingError.of(ErrorCode.BadRequest, `${user} is not a member of ${channel}`);
    return this.addMember(channel, user, role, by);
  }

  /** Ends the membership and unsubscribes the user's connections from the room, on every node. */
  async removeMember(channel: string, user: string, by?: string): Promise<void> {
    const member = await this.store.member(channel, user);
    if (!member || !(await this.store.removeMember(channel, user))) return;
    await this.streaming.unsubscribe(user, channel);
    await this.announce(channel, 'removed', member, by);
  }

  async members(channel: string, page: { cursor?: string; limit?: number } = {}): Promise<MembersPage> {
    const limit = Math.min(Math.max(page.limit ?? 100, 1), MAX_PAGE);
    return this.store.members(channel, page.cursor, limit);
  }

  /** The rooms the user is a member of. */
  async roomsOf(user: string): Promise<Room[]> {
    const rooms = await Promise.all((await this.store.roomsOf(user)).map((channel) => this.store.get(channel)));
    return rooms.filter((room): room is Room => room !== undefined);
  }

  async isMember(channel: string, user: string): Promise<boolean> {
    return (await this.store.member(channel, user)) !== undefined;
  }

  /** Whether the user's role in the room allows the action; false for non-members and channels that are no room. */
  async can(channel: string, user: string, action: RoomAction): Promise<boolean> {
    const member = await this.store.member(channel, user);
    return member !== undefined && (this.options.rooms.roles[member.role] ?? []).includes(action);
  }

  /** The direct room of two users (`dm:#alice,bob`, names sorted), private, made on first use. */
  async direct(a: string, b: string): Promise<Room> {
    if (!a || !b || a === b || /[,#]/.test(a + b)) throw StreamingError.of(ErrorCode.BadRequest, 'a direct room needs two different user names without , or #');
    const [first, second] = [a, b].sort();
    const channel = `${this.options.rooms.directNamespace}:#${first},${second}`;
    const existing = await this.store.get(channel);
    if (existing) return existing;
    try {
      return await this.create({ channel, name: `${first}, ${second}`, private: true, owner: first!, members: [{ user: second!, role: 'owner' }] });
    } catch (err) {
      // Both users opened it at once: the other call made it.
      const made = await this.store.get(channel);
      if (made) return made;
      throw err;
    }
  }

  private async require(channel: string): Promise<Room> {
    const room = await this.store.get(channel);
    if (!room) throw StreamingError.of(ErrorCode.BadRequest, `${channel} is not a room`);
    return room;
  }

  private checkRole(role: RoomRole): RoomRole {
    if (!Object.hasOwn(this.options.rooms.roles, role)) {
      throw StreamingError.of(ErrorCode.BadRequest, `unknown room role ${JSON.stringify(role)}; roles: ${Object.keys(this.options.rooms.roles).join(', ')}`);
    }
    return role;
  }

  private async checkRoomCount(user: string): Promise<void> {
    const max = this.options.rooms.maxRoomsPerUser;
    if (max > 0 && (await this.store.roomsOf(user)).length >= max) throw StreamingError.of(ErrorCode.LimitExceeded, `${user} is in ${max} rooms already`);
  }

  private async announce(channel: string, action: 'added' | 'removed' | 'updated', member: RoomMember, by?: string): Promise<void> {
    const data = { action, user: member.user, role: member.role, ...(by ? { by } : {}) };
    await this.node.publish(channel, { data, tags: { type: MEMBER_TYPE } });
  }
}

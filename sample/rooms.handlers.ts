import { Injectable } from '@nestjs/common';
import { ConnectedClient, MessageStore, OnRpc, RoomService, StreamingBody, StreamingError, StreamingHandlers, StreamingManager, type ClientInfo, type Room } from '@streaming/nest';

const bad = (message: string) => new StreamingError(107, message);
const denied = (message: string) => new StreamingError(103, message);

function names(value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length > 50 || !value.every((v) => typeof v === 'string' && /^[\w.-]{1,32}$/.test(v))) {
    throw bad('members must be a list of user names');
  }
  return value as string[];
}

/**
 * The page's room list and room management, built on `RoomService` and `MessageStore` as an app
 * would: rooms are `chat:<slug>` channels (private ones need membership) and direct messages
 * `dm:#a,b`; every call acts for the connected user and checks their room role first.
 */
@StreamingHandlers()
@Injectable()
export class RoomsHandlers {
  constructor(
    private readonly rooms: RoomService,
    private readonly messages: MessageStore,
    private readonly streaming: StreamingManager,
  ) {}

  /** An added member's open pages learn of the room from their personal channel, as of a new direct message. */
  private async tell(users: string[], room: Room): Promise<void> {
    for (const user of users) await this.streaming.publish(`personal:#${user}`, { type: 'room', channel: room.channel, name: room.name, private: room.private });
  }

  /**
   * The caller's rooms and direct messages, with unread counts (badges that survive a reload) and
   * whether the caller may moderate there (so the page offers to delete others' messages only where
   * the server would allow it).
   */
  @OnRpc('rooms.list')
  async list(@ConnectedClient() client: ClientInfo) {
    const rooms = await this.rooms.roomsOf(client.user);
    const unread = await this.messages.unread(client.user, rooms.map((r) => r.channel));
    const moderate = await Promise.all(rooms.map((r) => this.rooms.can(r.channel, client.user, 'moderate')));
    return {
      rooms: rooms.map(({ channel, name, private: isPrivate }, i) => ({ channel, name, private: isPrivate, unread: unread[channel] ?? 0, moderate: moderate[i] })),
    };
  }

  /** `{ name, private?, members? }`: a room `chat:<slug of name>` owned by the caller. */
  @OnRpc('rooms.create')
  async create(@StreamingBody() body: { name?: unknown; private?: unknown; members?: unknown }, @ConnectedClient() client: ClientInfo) {
    if (client.user === '') throw denied('log in to create rooms');
    if (typeof body?.name !== 'string' || !/^[\w .-]{1,40}$/.test(body.name.trim())) throw bad('a room name is 1 to 40 letters, digits, spaces, . _ -');
    const name = body.name.trim();
    const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'room';
    const members = names(body.members).filter((user) => user !== client.user);
    const room = await this.rooms.create({
      channel: `chat:${slug}`,
      name,
      private: body.private === true,
      owner: client.user,
      members: members.map((user) => ({ user })),
    });
    await this.tell(members, room);
    // The creator owns the room, and owners moderate it.
    return { channel: room.channel, name: room.name, private: room.private, moderate: await this.rooms.can(room.channel, client.user, 'moderate') };
  }

  @OnRpc('rooms.addMember')
  async addMember(@StreamingBody() body: { channel?: unknown; user?: unknown }, @ConnectedClient() client: ClientInfo) {
    const [channel, user] = [String(body?.channel ?? ''), names([body?.user])[0]!];
    if (!(await this.rooms.can(channel, client.user, 'invite'))) throw denied('your role in this room may not invite');
    await this.rooms.addMember(channel, user, 'member', client.user);
    const room = await this.rooms.get(channel);
    if (room) await this.tell([user], room);
    return {};
  }

  /** Removes a member (with the `remove` right), or the caller themselves (leaving). */
  @OnRpc('rooms.removeMember')
  async removeMember(@StreamingBody() body: { channel?: unknown; user?: unknown }, @ConnectedClient() client: ClientInfo) {
    const [channel, user] = [String(body?.channel ?? ''), names([body?.user])[0]!];
    if (user !== client.user && !(await this.rooms.can(channel, client.user, 'remove'))) throw denied('your role in this room may not remove members');
    await this.rooms.removeMember(channel, user, client.user);
    return {};
  }

  @OnRpc('rooms.members')
  async members(@StreamingBody() body: { channel?: unknown }, @ConnectedClient() client: ClientInfo) {
    const channel = String(body?.channel ?? '');
    if (!(await this.rooms.isMember(channel, client.user))) throw denied('members are listed to members');
    return this.rooms.members(channel, { limit: 200 });
  }

  /** `{ user }`: the direct room with that user, made on first use. */
  @OnRpc('dm.open')
  async openDm(@StreamingBody() body: { user?: unknown }, @ConnectedClient() client: ClientInfo) {
    if (client.user === '') throw denied('log in to send direct messages');
    const room = await this.rooms.direct(client.user, names([body?.user])[0]!);
    return { channel: room.channel };
  }
}

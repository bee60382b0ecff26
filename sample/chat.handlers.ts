import { Injectable, UseGuards, ValidationPipe } from '@nestjs/common';
import { ChannelGuard, ChannelName, ConnectedClient, OnPublish, OnRpc, RequireRoles, StreamingBody, StreamingHandlers, StreamingManager, type ClientInfo } from '@streaming/nest';
import { IsOptional, IsString, Length } from 'class-validator';

export class TextDto {
  @IsString()
  @Length(1, 2000)
  text!: string;
}

export class MessageDto extends TextDto {
  /** The id of the message this one replies to (the message store checks it is one of the room's). */
  @IsOptional()
  @IsString()
  @Length(1, 64)
  thread?: string;
}

// Built from scratch: the server, not the client, says who wrote it and when.
function stamped({ text, thread }: MessageDto, client: ClientInfo) {
  return { data: { text, user: client.user, at: Date.now(), ...(thread ? { thread } : {}) } };
}

// A failed validation is a 400 BadRequestException, which reaches the client as error 107.
const validated = new ValidationPipe();

@StreamingHandlers()
@Injectable()
export class ChatHandlers {
  constructor(private readonly streaming: StreamingManager) {}

  @OnRpc('echo')
  echo(@StreamingBody() data: unknown): unknown {
    return data;
  }

  /** Every client publication in `chat:*` passes here; what it returns is what subscribers get. */
  @OnPublish('chat:*')
  chat(@StreamingBody(validated) message: MessageDto, @ConnectedClient() client: ClientInfo) {
    return stamped(message, client);
  }

  /** The private team rooms carry the same messages; only who may subscribe differs. */
  @OnPublish('team:*')
  team(@StreamingBody(validated) message: MessageDto, @ConnectedClient() client: ClientInfo) {
    return stamped(message, client);
  }

  /** Direct messages: the page of the other user learns of the conversation from its personal channel. */
  @OnPublish('dm:*')
  async dm(@StreamingBody(validated) message: MessageDto, @ConnectedClient() client: ClientInfo, @ChannelName() channel: string) {
    const users = channel.slice(channel.indexOf('#') + 1).split(',');
    for (const user of users.filter((u) => u !== '' && u !== client.user)) {
      await this.streaming.publish(`personal:#${user}`, { type: 'dm', from: client.user, channel });
    }
    return stamped(message, client);
  }

  /** Admins (token with `roles: ["admin"]`) announce to everyone, anonymous readers included. */
  @OnRpc('announce')
  @RequireRoles('admin')
  @UseGuards(ChannelGuard)
  async announce(@StreamingBody(validated) { text }: TextDto, @ConnectedClient() client: ClientInfo) {
    await this.streaming.publish('public:announcements', { text, user: client.user, at: Date.now() });
    return { ok: true };
  }
}

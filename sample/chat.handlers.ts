import { Injectable, UseGuards, ValidationPipe } from '@nestjs/common';
import { ConnectedClient, MessageBody, OnPublish, OnRpc, StreamingHandlers, StreamingManager, type ClientInfo } from '@streaming/nest';
import { IsString, Length } from 'class-validator';
import { Roles, RolesGuard } from './roles.guard.js';

export class TextDto {
  @IsString()
  @Length(1, 2000)
  text!: string;
}

// A failed validation is a 400 BadRequestException, which reaches the client as error 107.
const validated = new ValidationPipe();

@StreamingHandlers()
@Injectable()
export class ChatHandlers {
  constructor(private readonly streaming: StreamingManager) {}

  @OnRpc('echo')
  echo(@MessageBody() data: unknown): unknown {
    return data;
  }

  /** Every client publication in `chat:*` passes here; what it returns is what subscribers get. */
  @OnPublish('chat:*')
  chat(@MessageBody(validated) { text }: TextDto, @ConnectedClient() client: ClientInfo) {
    // Built from scratch: the server, not the client, says who wrote it and when.
    return { data: { text, user: client.user, at: Date.now() } };
  }

  /** Admins (token with `roles: ["admin"]`) announce to everyone, anonymous readers included. */
  @OnRpc('announce')
  @Roles(['admin'])
  @UseGuards(RolesGuard)
  async announce(@MessageBody(validated) { text }: TextDto, @ConnectedClient() client: ClientInfo) {
    await this.streaming.publish('public:announcements', { text, user: client.user, at: Date.now() });
    return { ok: true };
  }
}

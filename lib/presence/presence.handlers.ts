import { Injectable } from '@nestjs/common';
import type { ClientInfo } from '../engine/client-info.js';
import { BuiltInHandlers, OnRpc } from '../handlers/handler.decorators.js';
import { ConnectedClient, StreamingBody } from '../handlers/param.decorators.js';
import { ErrorCode } from '../protocol/codes.js';
import { StreamingError } from '../protocol/protocol-error.js';
import { PresenceTracker } from './presence-tracker.js';
import type { StatusName, UserStatus } from './user-status.js';

/** Users one `presence.get` may ask about. */
const MAX_USERS = 100;

/** The `presence.status` and `presence.get` rpcs. */
@BuiltInHandlers()
@Injectable()
export class PresenceHandlers {
  constructor(private readonly tracker: PresenceTracker) {}

  /** `{ status: 'online' | 'away' | 'busy', text? }`: the caller's own status. */
  @OnRpc('presence.status')
  async setStatus(@StreamingBody() body: unknown, @ConnectedClient() client: ClientInfo): Promise<UserStatus> {
    if (client.user === '') throw StreamingError.of(ErrorCode.PermissionDenied, 'presence.status needs a user');
    const { status, text } = (body ?? {}) as { status?: unknown; text?: unknown };
    if (typeof status !== 'string') throw StreamingError.of(ErrorCode.BadRequest, 'presence.status: status required');
    return this.tracker.setStatus(client.user, status as StatusName, (text as string | undefined) ?? '');
  }

  /** `{ users: string[] }`: their statuses, `offline` for users not connected or never seen. */
  @OnRpc('presence.get')
  async get(@StreamingBody() body: unknown): Promise<{ statuses: Record<string, UserStatus> }> {
    const { users } = (body ?? {}) as { users?: unknown };
    if (!Array.isArray(users) || users.length > MAX_USERS || !users.every((u) => typeof u === 'string' && u !== '')) {
      throw StreamingError.of(ErrorCode.BadRequest, `presence.get: users must be a list of at most ${MAX_USERS} names`);
    }
    return { statuses: await this.tracker.statuses(users as string[]) };
  }
}

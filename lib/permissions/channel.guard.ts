import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { ClientInfo } from '../engine/client-info.js';
import type { HandlerExtra } from '../handlers/handler-args.js';
import { PUBLIC_HANDLER, REQUIRED_PERMISSIONS, REQUIRED_ROLES } from './permission.decorators.js';
import { describePermissions, Permission } from './permission.enum.js';
import { PermissionChecker } from './permission-checker.js';
import { ErrorCode } from '../protocol/codes.js';
import { StreamingError } from '../protocol/protocol-error.js';

/**
 * Guards decorated streaming handlers (`@UseGuards(ChannelGuard)` on a method or a
 * `@StreamingHandlers()` class): the client must be authenticated, unless `@AllowAnonymous()`, have one of
 * the `@RequireRoles(...)` and every `@RequirePermissions(...)` in the event's channel. A refusal reaches
 * the client as error 103; the connection stays open.
 */
@Injectable()
export class ChannelGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly permissions: PermissionChecker,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_HANDLER, targets)) return true;
    if (context.getType() !== 'ws') throw new Error('ChannelGuard guards streaming handlers, not HTTP or RPC routes');
    const ws = context.switchToWs();
    const client = ws.getClient<ClientInfo>();
    if (client.user === '') return this.refuse(client, 'anonymous');
    const roles = this.reflector.getAllAndOverride<string[] | undefined>(REQUIRED_ROLES, targets) ?? [];
    if (roles.length > 0 && !roles.some((role) => client.roles?.includes(role))) {
      return this.refuse(client, `not in role ${roles.join(' or ')}`);
    }
    const required = this.reflector.getAllAndOverride<Permission[] | undefined>(REQUIRED_PERMISSIONS, targets) ?? [];
    if (required.length === 0) return true;
    // Typed as a string for message patterns; a streaming handler's last argument is its HandlerExtra.
    const { channel, subscriptionToken } = ws.getPattern() as unknown as HandlerExtra;
    if (channel === undefined) {
      throw new Error('@RequirePermissions needs a channel event (@OnSubscribe, @OnPublish, @OnUnsubscribe)');
    }
    const permission = required.reduce((all, p) => all | p, Permission.None);
    const standing = { subscribed: client.channels.includes(channel), token: subscriptionToken === true };
    if (this.permissions.can(client, channel, permission, standing)) return true;
    return this.refuse(client, `lacks ${describePermissions(permission)} in ${channel}`);
  }

  /** Thrown rather than `false`, so that the one log line of the refusal (the engine's) carries the reason. */
  private refuse(client: ClientInfo, why: string): never {
    throw new StreamingError(ErrorCode.PermissionDenied, 'Forbidden resource').withLogDetail(`refused by ChannelGuard: ${why}`);
  }
}

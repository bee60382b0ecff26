import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { ClientInfo } from '@streaming/nest';

/** `@Roles(['admin'])`: roles a handler requires, all of them, from the token's `roles` claim. */
export const Roles = Reflector.createDecorator<string[]>();

/** A plain Nest guard: streaming handlers run in a `ws` context whose client is the `ClientInfo`. */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const required = this.reflector.get(Roles, context.getHandler()) ?? [];
    const { roles = [] } = context.switchToWs().getClient<ClientInfo>();
    return required.every((role) => roles.includes(role));
  }
}

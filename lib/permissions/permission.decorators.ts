import { SetMetadata } from '@nestjs/common';
import type { Permission } from './permission.enum.js';

export const REQUIRED_PERMISSIONS = 'streaming:required-permissions';
export const REQUIRED_ROLES = 'streaming:required-roles';
export const PUBLIC_HANDLER = 'streaming:public';

/** With `ChannelGuard`: the client must hold every one of these permissions in the event's channel. */
export const RequirePermissions = (...permissions: Permission[]) => SetMetadata(REQUIRED_PERMISSIONS, permissions);

/** With `ChannelGuard`: the client must have at least one of these roles (the token's `roles` claim). */
export const RequireRoles = (...roles: string[]) => SetMetadata(REQUIRED_ROLES, roles);

/** With `ChannelGuard`: anyone may call, anonymous clients too; no role or permission is checked. */
export const AllowAnonymous = () => SetMetadata(PUBLIC_HANDLER, true);

import type { Permission } from './permission.enum.js';

/**
 * Who may do what in the channels a pattern matches. Of the rules matching a channel, the most
 * specific one grants; `deny` and `requireAuth` of every matching rule take away.
 */
export interface ChannelRule {
  /** Channel glob: `*` matches any run of characters (`chat:*`, `chat:team-*`, `*`). */
  pattern: string;
  /** What authenticated clients may do. Default None. */
  permissions?: Permission;
  /** What anonymous clients may do: a Permission, or `true` for the same as `permissions`. Default None. */
  allowAnonymous?: Permission | boolean;
  /** Anonymous clients get nothing in matching channels, whatever any rule grants. */
  requireAuth?: boolean;
  /** Added to `permissions` for clients having the role (the token's `roles` claim). */
  roles?: Record<string, Permission>;
  /** Replace `permissions` and role grants for one user. */
  users?: Record<string, Permission>;
  /** Taken from everyone in matching channels, whatever any rule grants. */
  deny?: Permission;
  /** Subscribers per channel on this node; over it, subscribing answers 106. Overrides the namespace's. */
  maxSubscribers?: number;
}

export interface PermissionsOptions {
  /** Channel rules; a channel no rule matches keeps its namespace's `allow*` options. */
  rules?: ChannelRule[];
}

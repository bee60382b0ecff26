import { Inject, Injectable } from '@nestjs/common';
import { ChannelResolver } from '../engine/channel-resolver.js';
import type { ResolvedStreamingOptions } from '../options/resolve-options.js';
import { STREAMING_OPTIONS } from '../streaming.constants.js';
import type { ChannelRule } from './channel-rule.interface.js';
import { namespacePermissions } from './namespace-permissions.js';
import { Permission } from './permission.enum.js';
import { RuleSet } from './rule-set.js';
import { channelUsers } from './user-limited-channel.js';

/** Whom permissions are asked for: a `ClientInfo`, or any identity with a user and roles. */
export interface PermissionSubject {
  /** Empty for an anonymous connection. */
  user: string;
  roles?: string[];
}

export interface PermissionContext {
  /** The client is subscribed: namespace options give subscribers publish, presence and history. */
  subscribed?: boolean;
  /** The client holds a valid subscription token for the channel, which grants Subscribe. */
  token?: boolean;
}

/**
 * Answers what a client may do in a channel. In order: a `#` channel admits its users only; the
 * most specific matching rule grants (or, with no rule, the namespace's `allow*` options); a `#`
 * channel's users and a subscription token add Subscribe; `deny` of every matching rule takes away,
 * and `requireAuth` of any matching rule leaves anonymous clients nothing.
 * The server itself (`StreamingManager`) is never checked.
 */
@Injectable()
export class PermissionChecker {
  private readonly rules: RuleSet;

  constructor(
    @Inject(STREAMING_OPTIONS) options: ResolvedStreamingOptions,
    private readonly resolver: ChannelResolver,
  ) {
    this.rules = new RuleSet(options.permissions.rules);
  }

  /** The Permission flags of `subject` in `channel`; throws the protocol error of a bad or unknown channel. */
  permissionsFor(subject: PermissionSubject, channel: string, context: PermissionContext = {}): Permission {
    const { options: ns } = this.resolver.resolve(channel);
    const anonymous = subject.user === '';
    const users = channelUsers(channel);
    if (users && (anonymous || !users.includes(subject.user))) return Permission.None;
    const rules = this.rules.matching(channel);
    let permissions = rules[0] ? ruleGrant(rules[0], subject) : namespacePermissions(ns, anonymous, context.subscribed === true);
    if (users || context.token) permissions |= Permission.Subscribe;
    for (const rule of rules) {
      if (anonymous && rule.requireAuth) return Permission.None;
      permissions &= ~(rule.deny ?? Permission.None);
    }
    return permissions;
  }

  /** Whether `subject` has every flag of `permission` in `channel`. */
  can(subject: PermissionSubject, channel: string, permission: Permission, context: PermissionContext = {}): boolean {
    return (this.permissionsFor(subject, channel, context) & permission) === permission;
  }

  /** Subscribers a channel may have on this node (0: no limit): the most specific rule's, else the namespace's. */
  maxSubscribers(channel: string): number {
    const rule = this.rules.matching(channel).find((r) => r.maxSubscribers !== undefined);
    return rule?.maxSubscribers ?? this.resolver.resolve(channel).options.maxSubscribers;
  }
}

/** What one rule grants: a user override replaces role and base grants; anonymous clients get `allowAnonymous`. */
function ruleGrant(rule: ChannelRule, { user, roles = [] }: PermissionSubject): number {
  if (user === '') {
    if (rule.allowAnonymous === true) return rule.permissions ?? Permission.None;
    return typeof rule.allowAnonymous === 'number' ? rule.allowAnonymous : Permission.None;
  }
  // Own properties only: a user or role called `constructor` must not reach Object.prototype.
  if (rule.users && Object.hasOwn(rule.users, user)) return rule.users[user]!;
  let permissions: number = rule.permissions ?? Permission.None;
  for (const role of roles) {
    if (rule.roles && Object.hasOwn(rule.roles, role)) permissions |= rule.roles[role]!;
  }
  return permissions;
}

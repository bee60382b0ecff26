import type { ResolvedNamespaceOptions } from '../options/namespace-options.js';
import { Permission } from './permission.enum.js';

/** What a namespace's Centrifugo-style `allow*` options give, for channels no rule matches. */
export function namespacePermissions(ns: ResolvedNamespaceOptions, anonymous: boolean, subscribed: boolean): number {
  let permissions = Permission.JoinLeave;
  if (anonymous ? ns.allowSubscribeForAnonymous : ns.allowSubscribeForClient) permissions |= Permission.Subscribe;
  const publisher = ns.allowPublishForClient || (ns.allowPublishForSubscriber && subscribed);
  if (publisher && (!anonymous || ns.allowPublishForAnonymous)) permissions |= Permission.Publish;
  if (subscribed && ns.allowPresenceForSubscriber) permissions |= Permission.Presence;
  if (subscribed && ns.allowHistoryForSubscriber) permissions |= Permission.History;
  return permissions;
}

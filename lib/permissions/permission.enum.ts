/**
 * What a client may do in a channel, as bit flags: combine with `|`, test with `&`.
 * JoinLeave is receiving join/leave pushes (where the namespace sends them).
 */
export enum Permission {
  None = 0,
  Subscribe = 1,
  Publish = 2,
  Presence = 4,
  History = 8,
  JoinLeave = 16,
  /** Read a channel: subscribe, presence, history; no join/leave pushes. */
  ReadOnly = Subscribe | Presence | History,
  /** Take part in a channel: read it, publish, and see who joins and leaves. */
  Standard = ReadOnly | Publish | JoinLeave,
  /** Every permission; the same as Standard today, and it will hold any permission added later. */
  All = Subscribe | Publish | Presence | History | JoinLeave,
}

/** `Subscribe|Publish` for logs and error messages. */
export function describePermissions(permissions: number): string {
  if (permissions === Permission.None) return 'None';
  const flags = [Permission.Subscribe, Permission.Publish, Permission.Presence, Permission.History, Permission.JoinLeave];
  return flags
    .filter((flag) => (permissions & flag) === flag)
    .map((flag) => Permission[flag])
    .join('|');
}

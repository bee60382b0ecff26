/** What a user shows others: chosen (`online`, `away`, `busy`) or what the node concludes (`offline`). */
export type StatusName = 'online' | 'away' | 'busy' | 'offline';

export const settableStatuses: readonly StatusName[] = ['online', 'away', 'busy'];

export interface UserStatus {
  status: StatusName;
  /** The user's own words ("in a meeting"); empty when none. */
  text: string;
  /** Unix milliseconds the user was last connected (now, while they are). */
  lastSeen: number;
}

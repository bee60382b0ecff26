import type { UserStatus } from './user-status.js';

/** Injection token of the `UserStatusStore`; the backend provides it. */
export const USER_STATUS_STORE = Symbol('USER_STATUS_STORE');

/**
 * Users' statuses and their connection counts, across every node: a user with three tabs on two
 * nodes is one user online, offline once the last of them closed. Values are plain JSON, so a
 * store between nodes keeps them as they are.
 */
export interface UserStatusStore {
  /** Counts a connection of the user; returns how many the user has now. */
  connect(user: string, client: string): Promise<number>;
  /** Forgets a connection of the user; returns how many are left. */
  disconnect(user: string, client: string): Promise<number>;
  /** Connections the user has now. */
  connections(user: string): Promise<number>;
  /** Stored statuses; a user never seen is absent. */
  get(users: readonly string[]): Promise<Record<string, UserStatus>>;
  set(user: string, status: UserStatus): Promise<void>;
  close(): Promise<void>;
}

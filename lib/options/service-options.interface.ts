import type { IncomingMessage } from 'node:http';
import type { MessagePolicy } from '../messages/message-policy.interface.js';
import type { RoomAction } from '../rooms/room.js';

/** Options of the chat services and the admin dashboard (parts of `StreamingModuleOptions`). */

/** Decides whether a request to the dashboard is an operator's (the app's own login, an SSO header...). */
export type AdminAuthorize = (req: IncomingMessage) => boolean | Promise<boolean>;

export interface AdminOptions {
  /** Serve the dashboard. Default false. */
  enabled?: boolean;
  /** The operators' password (12 characters at least); the page asks for it and keeps a signed session cookie. */
  password?: string;
  /** Instead of a password: every dashboard request passes through this check (e.g. the app's own session). */
  authorize?: AdminAuthorize;
  /** Where the dashboard is served. Default `/admin`. */
  path?: string;
  /** Seconds a password session lasts. Default 28800 (8 hours). */
  sessionTtl?: number;
}

export interface TypingOptions {
  /** Seconds between two `typing: true` broadcasts of one user in one channel while they type on. Default 2. */
  throttle?: number;
  /** Seconds after the last `typing` call at which typing ends by itself (a `typing: false` broadcast). Default 5. */
  timeout?: number;
}

export interface PresenceStatusOptions {
  /**
   * Seconds a user stays `online` after their last connection closed, so that a page reload does not
   * broadcast offline-online. Default 5.
   */
  offlineGrace?: number;
}

export interface RoomsOptions {
  /** Rooms one user may be a member of; one more answers 106. 0: no limit. Default 1000. */
  maxRoomsPerUser?: number;
  /**
   * What each role may do in its room: `publish`, `invite`, `remove`, `moderate` (edit and delete
   * others' messages), `update`, `delete`. Merged over the built-in `owner` (all), `moderator`
   * (publish, invite, remove, moderate) and `member` (publish).
   */
  roles?: Record<string, RoomAction[]>;
  /** Namespace of direct rooms (`RoomService.direct`): `<namespace>:#alice,bob`. Default `dm`. */
  directNamespace?: string;
}

export interface MessagesOptions {
  /** Messages whose state is kept per channel; the oldest go first. Default 1000. */
  maxPerChannel?: number;
  /**
   * Who may edit and delete others' messages (authors always may their own). Default: the
   * connection role `moderator` or `admin`, or a room role with `moderate`.
   */
  policy?: MessagePolicy;
}

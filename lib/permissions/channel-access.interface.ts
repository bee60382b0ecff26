import type { Identity } from '../auth/authenticator.interface.js';
import type { Permission } from './permission.enum.js';

export interface ChannelAccessRequest {
  identity: Identity;
  channel: string;
  /** One permission: Subscribe, Publish, Presence or History. */
  permission: Permission;
  /** The client is subscribed to the channel (and live). */
  subscribed: boolean;
  /** A subscribe carrying a valid subscription token. */
  token: boolean;
}

/**
 * The asynchronous step of a permission check, for answers that live in a store (room
 * membership). It runs after the synchronous `PermissionChecker` allowed the action, for
 * subscribe, publish, presence and history; false refuses with 103.
 */
export interface ChannelAccess {
  allows(request: ChannelAccessRequest): Promise<boolean>;
}

/** Injection token of the node's `ChannelAccess` (the `channelAccess` option, else one that allows everything). */
export const CHANNEL_ACCESS = Symbol('CHANNEL_ACCESS');

/** Allows whatever the `PermissionChecker` allowed. */
export const allowAllChannelAccess: ChannelAccess = {
  allows: async () => true,
};

import { checkKnownKeys, checkNumber, isRecord } from './option-checks.js';
import { StreamingOptionsError } from './streaming-options-error.js';
import { defaultRoomRoles, roomActions, type RoomAction } from '../rooms/room.js';
import type { MessagesOptions, PresenceStatusOptions, RoomsOptions, TypingOptions } from './streaming-options.interface.js';

export type ResolvedTypingOptions = Required<TypingOptions>;
export type ResolvedPresenceStatusOptions = Required<PresenceStatusOptions>;
export interface ResolvedRoomsOptions {
  maxRoomsPerUser: number;
  roles: Record<string, readonly RoomAction[]>;
  directNamespace: string;
}

function section(field: string, value: unknown, keys: string[]): Record<string, unknown> {
  if (value === undefined) return {};
  if (!isRecord(value)) throw new StreamingOptionsError(field, 'must be an object');
  checkKnownKeys(field, value, keys, `a ${field} option`);
  return value;
}

export function resolveTypingOptions(value: TypingOptions | undefined): ResolvedTypingOptions {
  const { throttle = 2, timeout = 5 } = section('typing', value, ['throttle', 'timeout']) as TypingOptions;
  checkNumber('typing.throttle', throttle, 0);
  checkNumber('typing.timeout', timeout, 0.1);
  return { throttle, timeout };
}

export function resolvePresenceStatusOptions(value: PresenceStatusOptions | undefined): ResolvedPresenceStatusOptions {
  const { offlineGrace = 5 } = section('presenceStatus', value, ['offlineGrace']) as PresenceStatusOptions;
  checkNumber('presenceStatus.offlineGrace', offlineGrace, 0);
  return { offlineGrace };
}

export function resolveRoomsOptions(value: RoomsOptions | undefined): ResolvedRoomsOptions {
  const { maxRoomsPerUser = 1000, roles = {}, directNamespace = 'dm' } = section('rooms', value, ['maxRoomsPerUser', 'roles', 'directNamespace']) as RoomsOptions;
  checkNumber('rooms.maxRoomsPerUser', maxRoomsPerUser, 0);
  if (!isRecord(roles)) throw new StreamingOptionsError('rooms.roles', 'must be an object of role names to actions');
  for (const [role, actions] of Object.entries(roles)) {
    if (!Array.isArray(actions) || !actions.every((a) => roomActions.includes(a))) {
      throw new StreamingOptionsError(`rooms.roles.${role}`, `must be a list of ${roomActions.join(', ')}, got ${JSON.stringify(actions)}`);
    }
  }
  if (typeof directNamespace !== 'string' || !/^[a-zA-Z0-9_-]+$/.test(directNamespace)) {
    throw new StreamingOptionsError('rooms.directNamespace', `must be a namespace name, got ${JSON.stringify(directNamespace)}`);
  }
  return { maxRoomsPerUser, roles: { ...defaultRoomRoles, ...roles }, directNamespace };
}

export type ResolvedMessagesOptions = Required<Omit<MessagesOptions, 'policy'>> & Pick<MessagesOptions, 'policy'>;

export function resolveMessagesOptions(value: MessagesOptions | undefined): ResolvedMessagesOptions {
  const { maxPerChannel = 1000, policy } = section('messages', value, ['maxPerChannel', 'policy']) as MessagesOptions;
  checkNumber('messages.maxPerChannel', maxPerChannel, 1);
  if (policy !== undefined && typeof policy?.mayModerate !== 'function') {
    throw new StreamingOptionsError('messages.policy', 'must have a mayModerate(request) method');
  }
  return { maxPerChannel, policy };
}

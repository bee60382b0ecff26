import type { Broker } from '../broker/broker.interface.js';
import type { HistoryStore } from '../history/history-store.interface.js';
import type { IdempotencyStore } from '../idempotency/idempotency-store.interface.js';
import type { LimitStore } from '../limits/limit-store.interface.js';
import type { PresenceStore } from '../presence/presence-store.interface.js';
import type { MessageStateStore } from '../messages/message-state-store.interface.js';
import type { RoomStore } from '../rooms/room-store.interface.js';
import type { UserStatusStore } from '../presence/user-status-store.interface.js';

/** The stores a backend provides: the engine's, and those of the chat services. */
export interface Backend {
  broker: Broker;
  history: HistoryStore;
  presence: PresenceStore;
  limits: LimitStore;
  idempotency: IdempotencyStore;
  /** Users' statuses and connection counts (`PresenceTracker`). */
  userStatus: UserStatusStore;
  /** Rooms and members (`RoomService`). */
  rooms: RoomStore;
  /** Messages' state and read positions (`MessageStore`). */
  messages: MessageStateStore;
  /** Resolves when the backend answers (the readiness check times it); rejects with the reason when not. */
  ping(): Promise<void>;
}

import type { Broker } from '../broker/broker.interface.js';
import type { HistoryStore } from '../history/history-store.interface.js';
import type { IdempotencyStore } from '../idempotency/idempotency-store.interface.js';
import type { LimitStore } from '../limits/limit-store.interface.js';
import type { PresenceStore } from '../presence/presence-store.interface.js';

/** The stores a backend provides to the engine; the engine falls back to memory ones for an optional store left out. */
export interface Backend {
  broker: Broker;
  history: HistoryStore;
  presence: PresenceStore;
  limits?: LimitStore;
  idempotency?: IdempotencyStore;
  /** Resolves when the backend answers (the readiness check times it); rejects with the reason when not. */
  ping(): Promise<void>;
}

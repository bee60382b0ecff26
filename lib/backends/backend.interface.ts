import type { Broker } from '../broker/broker.interface.js';
import type { HistoryStore } from '../history/history-store.interface.js';
import type { PresenceStore } from '../presence/presence-store.interface.js';

/** The three stores a backend provides to the engine. */
export interface Backend {
  broker: Broker;
  history: HistoryStore;
  presence: PresenceStore;
  /** Resolves when the backend answers (the readiness check times it); rejects with the reason when not. */
  ping(): Promise<void>;
}

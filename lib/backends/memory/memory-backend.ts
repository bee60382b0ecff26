import type { Backend } from '../backend.interface.js';
import { MemoryBroker } from './memory-broker.js';
import { MemoryHistoryStore } from './memory-history-store.js';
import { MemoryPresenceStore } from './memory-presence-store.js';

export function createMemoryBackend(): Backend {
  const history = new MemoryHistoryStore();
  return { broker: new MemoryBroker(history), history, presence: new MemoryPresenceStore() };
}

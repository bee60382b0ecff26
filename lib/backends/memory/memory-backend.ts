import type { Backend } from '../backend.interface.js';
import { MemoryBroker } from './memory-broker.js';
import { MemoryHistoryStore } from './memory-history-store.js';
import { MemoryPresenceStore } from './memory-presence-store.js';

export function createMemoryBackend(): Backend {
  const history = new MemoryHistoryStore();
  const broker = new MemoryBroker(history);
  return { broker, history, presence: new MemoryPresenceStore(), ping: () => broker.ping() };
}

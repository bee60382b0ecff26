import type { Backend } from '../backend.interface.js';
import { MemoryBroker } from './memory-broker.js';
import { MemoryHistoryStore } from './memory-history-store.js';
import { MemoryIdempotencyStore } from './memory-idempotency-store.js';
import { MemoryLimitStore } from './memory-limit-store.js';
import { MemoryPresenceStore } from './memory-presence-store.js';
import { MemoryMessageStateStore } from './memory-message-state-store.js';
import { MemoryRoomStore } from './memory-room-store.js';
import { MemoryUserStatusStore } from './memory-user-status-store.js';

/** `presenceTtl`: seconds a presence entry lives without the node's refresh. */
export function createMemoryBackend(presenceTtl: number): Backend {
  const history = new MemoryHistoryStore();
  const broker = new MemoryBroker(history);
  return {
    broker,
    history,
    presence: new MemoryPresenceStore(presenceTtl),
    limits: new MemoryLimitStore(),
    idempotency: new MemoryIdempotencyStore(),
    userStatus: new MemoryUserStatusStore(),
    rooms: new MemoryRoomStore(),
    messages: new MemoryMessageStateStore(),
    ping: () => broker.ping(),
  };
}

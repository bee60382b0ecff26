import { MemoryMessageStateStore } from '../../lib/backends/memory/memory-message-state-store.js';
import { messageStateStoreContract } from './message-state-store.contract.js';

messageStateStoreContract('MemoryMessageStateStore', () => new MemoryMessageStateStore());

import { MemoryMessageStateStore } from '../../lib/backends/memory/memory-message-state-store.js';
import { messageStateStoreDetails } from './message-state-store-details.contract.js';
import { messageStateStoreContract } from './message-state-store.contract.js';

messageStateStoreContract('MemoryMessageStateStore', async () => new MemoryMessageStateStore());
messageStateStoreDetails('MemoryMessageStateStore', () => new MemoryMessageStateStore());

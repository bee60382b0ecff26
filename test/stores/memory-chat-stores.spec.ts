import { MemoryRoomStore } from '../../lib/backends/memory/memory-room-store.js';
import { MemoryUserStatusStore } from '../../lib/backends/memory/memory-user-status-store.js';
import { roomStoreContract } from './room-store.contract.js';
import { userStatusStoreContract } from './user-status-store.contract.js';

roomStoreContract('MemoryRoomStore', () => new MemoryRoomStore());
userStatusStoreContract('MemoryUserStatusStore', () => new MemoryUserStatusStore());

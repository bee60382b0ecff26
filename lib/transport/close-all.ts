import type { WebSocket } from 'ws';
import { DisconnectCode, disconnectReasons } from '../protocol/codes.js';

/**
 * Shutdown: every socket still open (connected clients got 3001 from their session already, so
 * these are the ones that never sent `connect`) gets 3001 too; then close frames get `graceMs` to
 * leave behind whatever was queued before them, and only what is left is destroyed. Destroying at
 * once would give clients 1006 instead of the code that tells the SDK to reconnect elsewhere.
 */
export async function closeAll(sockets: Set<WebSocket>, graceMs: number): Promise<void> {
  const open = [...sockets];
  for (const socket of open) {
    if (socket.readyState === socket.OPEN) socket.close(DisconnectCode.Shutdown, disconnectReasons[DisconnectCode.Shutdown]);
  }
  let timer: NodeJS.Timeout | undefined;
  const closed = Promise.all(
    open.map((socket) => (socket.readyState === socket.CLOSED ? undefined : new Promise((resolve) => socket.once('close', resolve)))),
  );
  await Promise.race([closed, new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
  clearTimeout(timer);
  for (const socket of open) socket.terminate();
}

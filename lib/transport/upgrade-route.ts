import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';

export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

function upgradePath(req: IncomingMessage): string {
  return (req.url ?? '').split('?', 1)[0];
}

/**
 * Routes the HTTP server's upgrades of one path to `handler` alone, and every other upgrade to the
 * server's other `upgrade` listeners as before.
 *
 * A plain `upgrade` listener cannot share a server with Nest's gateways: `WsAdapter` destroys
 * every socket on a path it does not own, and an emitter runs all listeners whatever the order, so
 * our path would die whether our listener came first or last. The server's `emit` is therefore
 * wrapped on this instance: an upgrade of our path never reaches the other listeners, whenever
 * they were added. Taking the other listeners over instead (as engine.io does for `request`)
 * would miss those added after us and break their `off()`.
 *
 * Returns the release: the path goes back to the other listeners.
 */
export function routeUpgradePath(server: Server, path: string, handler: UpgradeHandler): () => void {
  let routing = true;
  const emit = server.emit;
  const routedEmit = function (this: Server, event: string | symbol, ...args: unknown[]): boolean {
    if (routing && event === 'upgrade' && upgradePath(args[0] as IncomingMessage) === path) {
      handler(...(args as Parameters<UpgradeHandler>));
      return true;
    }
    return Reflect.apply(emit, this, [event, ...args]) as boolean;
  };
  // Node only treats a request as an upgrade while the server has an `upgrade` listener. This one
  // keeps it so, and closes an upgrade of a path nobody serves, which would otherwise hang.
  const unserved: UpgradeHandler = (_req, socket) => {
    if (server.listenerCount('upgrade') === 1) socket.destroy();
  };
  server.emit = routedEmit as Server['emit'];
  server.on('upgrade', unserved);
  return () => {
    routing = false;
    server.off('upgrade', unserved);
    // Someone may have wrapped `emit` after us; then the flag alone turns ours into a pass-through.
    if (server.emit === routedEmit) server.emit = emit;
  };
}

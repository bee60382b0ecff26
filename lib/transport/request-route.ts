import type { IncomingMessage, Server, ServerResponse } from 'node:http';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** The path of a request, without its query. */
export function requestPath(req: IncomingMessage): string {
  return (req.url ?? '').split('?', 1)[0]!;
}

/**
 * Routes the HTTP server's requests that `claims` accepts to `handler` alone, in front of the
 * framework (Express, Fastify): their middleware, body parsers and size limits never see them.
 * Every other request reaches the server's `request` listeners as before.
 *
 * As `routeUpgradePath` does for upgrades, the server instance's `emit` is wrapped rather than its
 * listeners taken over, so that several routes (the API, each transport) stack in any order and
 * listeners added later keep working. Returns the release.
 */
export function routeRequests(server: Server, claims: (req: IncomingMessage) => boolean, handler: RequestHandler): () => void {
  let routing = true;
  const emit = server.emit;
  const routedEmit = function (this: Server, event: string | symbol, ...args: unknown[]): boolean {
    if (routing && event === 'request' && claims(args[0] as IncomingMessage)) {
      handler(...(args as Parameters<RequestHandler>));
      return true;
    }
    return Reflect.apply(emit, this, [event, ...args]) as boolean;
  };
  server.emit = routedEmit as Server['emit'];
  return () => {
    routing = false;
    // Someone may have wrapped `emit` after us; then the flag alone turns ours into a pass-through.
    if (server.emit === routedEmit) server.emit = emit;
  };
}

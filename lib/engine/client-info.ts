import type { IncomingHttpHeaders } from 'node:http';
import type { Identity } from '../auth/authenticator.interface.js';
import type { TransportName } from '../delivery/connection.interface.js';

/** The connection as handlers, guards and services see it. */
export interface ClientInfo extends Identity {
  /** Unique id of the connection (the `client` of the connect reply). */
  id: string;
  /** `websocket`, or the fallback the client connected with (`sse`, `http_stream`, `uni_sse`...). */
  transport: TransportName;
  /**
   * The client's address: the socket's peer, or with the `trustProxy` option the address the
   * trusted proxies report in `X-Forwarded-For`. Named as Express names it (`req.ip`), so trackers
   * written for HTTP requests, `@nestjs/throttler`'s among them, key per client here too.
   */
  ip: string;
  /** Headers of the request that opened the connection (the WebSocket upgrade, the stream's request) (user agent, origin, cookies, forwarding headers); never sent to clients. */
  headers: IncomingHttpHeaders;
  /** Channels the client is subscribed to now. */
  channels: string[];
}

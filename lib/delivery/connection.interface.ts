import type { IncomingHttpHeaders } from 'node:http';

/** A transport connection as the engine sees it: bytes out, a close with a code, and where it came from. */
export interface Connection {
  readonly transport: 'websocket';
  /** The client's address (with `trustProxy`, the one the trusted proxies report). */
  readonly ip: string;
  /** Headers of the request that opened the connection (the WebSocket upgrade). */
  readonly headers: IncomingHttpHeaders;
  send(frame: Buffer): void;
  close(code: number, reason: string): void;
  /** Bytes written but not yet handed to the OS. */
  bufferedAmount(): number;
}

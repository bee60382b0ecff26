import type { IncomingHttpHeaders } from 'node:http';

/** The transports a client can connect with; the names are Centrifugo's. */
export type TransportName = 'websocket' | 'http_stream' | 'sse' | 'uni_websocket' | 'uni_http_stream' | 'uni_sse';

/** A transport connection as the engine sees it: bytes out, a close with a code, and where it came from. */
export interface Connection {
  readonly transport: TransportName;
  /**
   * The client cannot send commands after its connect (the `uni_*` transports): the session asks
   * for no pongs.
   */
  readonly unidirectional: boolean;
  /**
   * Set when the client's later commands arrive by another request (the SDK's emulation): the
   * connect result carries it, and the client sends it back to name this connection. It is a
   * secret, unlike the client id that presence and join pushes show.
   */
  readonly session?: string;
  /** The client's address (with `trustProxy`, the one the trusted proxies report). */
  readonly ip: string;
  /** Headers of the request that opened the connection (the WebSocket upgrade, the stream's request). */
  readonly headers: IncomingHttpHeaders;
  send(frame: Buffer): void;
  close(code: number, reason: string): void;
  /** Bytes written but not yet handed to the OS. */
  bufferedAmount(): number;
}

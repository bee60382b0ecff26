import type { IncomingHttpHeaders } from 'node:http';
import type { WebSocket } from 'ws';
import type { Connection } from '../delivery/connection.interface.js';

// A close reason must fit a control frame: 123 bytes of UTF-8.
const MAX_REASON_BYTES = 123;
// One options object per kind of frame, not one per send (`ws` copies it).
const TEXT_FRAME = { binary: false };
const BINARY_FRAME = { binary: true };

/** A `ws` socket as an engine Connection. */
export class WebSocketConnection implements Connection {
  // Getters on the prototype, not fields: two slots less in every connection.
  get transport(): 'websocket' {
    return 'websocket';
  }

  get unidirectional(): boolean {
    return false;
  }

  constructor(
    private readonly socket: WebSocket,
    readonly ip: string,
    readonly headers: IncomingHttpHeaders,
    /** How long the close frame (and the client's answer) may take; `ws` alone would wait 30 s. */
    private readonly closeTimeoutMs: number,
    /** Binary frames for protobuf, text for JSON. */
    private readonly binary = false,
  ) {}

  send(frame: Buffer): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(frame, this.binary ? BINARY_FRAME : TEXT_FRAME);
  }

  close(code: number, reason: string): void {
    if (this.socket.readyState !== this.socket.OPEN && this.socket.readyState !== this.socket.CONNECTING) return;
    this.socket.close(code, Buffer.from(reason).subarray(0, MAX_REASON_BYTES).toString());
    // A stalled reader never lets the close frame out: its socket and backlog must not linger.
    const timer = setTimeout(() => this.socket.terminate(), this.closeTimeoutMs);
    timer.unref();
    this.socket.once('close', () => clearTimeout(timer));
  }

  bufferedAmount(): number {
    return this.socket.bufferedAmount;
  }
}

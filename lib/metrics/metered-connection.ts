import type { IncomingHttpHeaders } from 'node:http';
import type { Connection, TransportName } from '../delivery/connection.interface.js';

/** A connection that reports the bytes of every frame sent through it. */
export class MeteredConnection implements Connection {
  constructor(
    private readonly inner: Connection,
    private readonly onSent: (bytes: number) => void,
  ) {}

  get transport(): TransportName {
    return this.inner.transport;
  }
  get unidirectional(): boolean {
    return this.inner.unidirectional;
  }
  get session(): string | undefined {
    return this.inner.session;
  }
  get ip(): string {
    return this.inner.ip;
  }
  get headers(): IncomingHttpHeaders {
    return this.inner.headers;
  }

  send(frame: Buffer): void {
    this.onSent(frame.length);
    this.inner.send(frame);
  }

  close(code: number, reason: string): void {
    this.inner.close(code, reason);
  }

  bufferedAmount(): number {
    return this.inner.bufferedAmount();
  }
}

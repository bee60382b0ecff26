import type { IncomingHttpHeaders } from 'node:http';
import type { Connection } from '../delivery/connection.interface.js';
import { toUnidirectional } from './unidirectional-frames.js';
import type { WebSocketConnection } from './websocket-connection.js';

/**
 * Centrifugo's `uni_websocket`: a WebSocket whose client sends only its connect request. Pushes go
 * out unwrapped, one message each, and a disconnect is the close code, as on the bidirectional one.
 */
export class UniWebSocketConnection implements Connection {
  readonly transport = 'uni_websocket' as const;
  readonly unidirectional = true;
  readonly ip: string;
  readonly headers: IncomingHttpHeaders;

  constructor(private readonly socket: WebSocketConnection) {
    this.ip = socket.ip;
    this.headers = socket.headers;
  }

  send(frame: Buffer): void {
    const out = toUnidirectional(frame);
    if ('refused' in out) this.socket.close(out.refused, '');
    else for (const message of out.messages) this.socket.send(message);
  }

  close(code: number, reason: string): void {
    this.socket.close(code, reason);
  }

  bufferedAmount(): number {
    return this.socket.bufferedAmount();
  }
}

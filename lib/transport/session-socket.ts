import { WebSocket, type RawData } from 'ws';
import type { ClientSession } from '../engine/client-session.js';
import type { LogSummarizer } from '../logging/log-summarizer.js';

/**
 * A `ws` socket that knows its session and its client's address (the server makes its sockets of
 * this class), so that one set of listener functions serves every socket: a listener closure per
 * socket and event cost its function and context, about 100 bytes of heap each, for three events.
 */
export class SessionSocket extends WebSocket {
  session: ClientSession | undefined = undefined;
  ip = '';
}

export function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/** `message` of a bidirectional socket: its frames go to its session. */
export function onSessionMessage(this: WebSocket, data: RawData): void {
  (this as SessionSocket).session!.handleFrame(toBuffer(data));
}

/**
 * The open sockets of a transport, for its shutdown. `ws`'s own client tracking would do, but it
 * adds a closure (and its context) per socket to remove it again; here one `close` listener serves
 * every socket, and tells the socket's session too.
 */
export class OpenSockets {
  readonly all = new Set<SessionSocket>();
  private waiting: Array<() => void> = [];
  private readonly closed: (this: WebSocket) => void;

  constructor() {
    const open = this;
    this.closed = function (this: WebSocket): void {
      open.remove(this as SessionSocket);
      (this as SessionSocket).session!.handleTransportClosed();
    };
  }

  add(socket: SessionSocket): void {
    this.all.add(socket);
    socket.on('close', this.closed);
  }

  /** Settles once every socket has closed. */
  drained(): Promise<void> {
    return this.all.size === 0 ? Promise.resolve() : new Promise((resolve) => this.waiting.push(resolve));
  }

  private remove(socket: SessionSocket): void {
    this.all.delete(socket);
    if (this.all.size > 0) return;
    for (const resolve of this.waiting.splice(0)) resolve();
  }
}

/** One `error` listener for all the sockets of a transport: `ws` closes the socket itself after a protocol error (1009 for an oversized frame, 1002...). */
export function socketErrorListener(log: LogSummarizer): (this: WebSocket, err: Error) => void {
  return function (this: WebSocket, err: Error): void {
    log.report('verbose', 'websocket error', `websocket error from ${(this as SessionSocket).ip}: ${err.message}`);
  };
}

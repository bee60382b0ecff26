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

/** `close`: the session learns that the transport is gone. */
export function onSessionClose(this: WebSocket): void {
  (this as SessionSocket).session!.handleTransportClosed();
}

/** One `error` listener for all the sockets of a transport: `ws` closes the socket itself after a protocol error (1009 for an oversized frame, 1002...). */
export function socketErrorListener(log: LogSummarizer): (this: WebSocket, err: Error) => void {
  return function (this: WebSocket, err: Error): void {
    log.report('verbose', 'websocket error', `websocket error from ${(this as SessionSocket).ip}: ${err.message}`);
  };
}

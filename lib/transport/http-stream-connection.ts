import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { Connection, TransportName } from '../delivery/connection.interface.js';
import { jsonLines } from './json-lines.js';
import { disconnectMessage, toUnidirectional } from './unidirectional-frames.js';

/** How messages are laid out on the response: Server-Sent Events, or one JSON message per line. */
export type StreamFormat = 'sse' | 'ndjson';

export interface HttpStreamConnectionInit {
  transport: Exclude<TransportName, 'websocket' | 'uni_websocket'>;
  format: StreamFormat;
  unidirectional: boolean;
  /** For the SDK's emulation: the id its command requests name. */
  session?: string;
  ip: string;
  headers: IncomingHttpHeaders;
  /** How long the end of the stream may take to leave before the socket is destroyed. */
  closeTimeoutMs: number;
}

/**
 * A streamed HTTP response as an engine Connection. HTTP has no close code, so a close writes the
 * disconnect as a last message before the end: `{"disconnect": ...}` for unidirectional clients,
 * a disconnect push for the SDK's emulation (which reads it as it reads a WebSocket close code).
 */
export class HttpStreamConnection implements Connection {
  readonly transport: HttpStreamConnectionInit['transport'];
  readonly unidirectional: boolean;
  readonly session?: string;
  readonly ip: string;
  readonly headers: IncomingHttpHeaders;
  private ended = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly init: HttpStreamConnectionInit,
  ) {
    ({ transport: this.transport, unidirectional: this.unidirectional, session: this.session, ip: this.ip, headers: this.headers } = init);
  }

  /** Sends the headers at once: EventSource and fetch report the stream open only then. */
  open(): void {
    const sse = this.init.format === 'sse';
    this.res.writeHead(200, {
      'Content-Type': sse ? 'text/event-stream; charset=utf-8' : 'application/json',
      'Cache-Control': 'private, no-cache, no-store, must-revalidate, max-age=0',
      // nginx would otherwise buffer the stream.
      'X-Accel-Buffering': 'no',
    });
    this.res.flushHeaders();
  }

  send(frame: Buffer): void {
    // The client may have gone in this same tick, before the session heard of it.
    if (this.ended || this.res.destroyed) return;
    if (!this.unidirectional) {
      this.write(jsonLines(frame));
      return;
    }
    const out = toUnidirectional(frame);
    if ('refused' in out) this.close(out.refused, '');
    else this.write(out.messages);
  }

  close(code: number, reason: string): void {
    if (this.ended || this.res.destroyed) return;
    const disconnect = disconnectMessage(code, reason);
    this.write([Buffer.from(JSON.stringify(this.unidirectional ? { disconnect } : { push: { disconnect } }))]);
    this.ended = true;
    this.res.end();
    // A stalled reader never takes the end: its socket and backlog must not linger.
    const timer = setTimeout(() => this.res.destroy(), this.init.closeTimeoutMs);
    timer.unref();
    this.res.once('close', () => clearTimeout(timer));
  }

  bufferedAmount(): number {
    return this.res.writableLength;
  }

  /** All messages of a tick in one write. */
  private write(messages: Buffer[]): void {
    const parts: Buffer[] = [];
    // Server-Sent Events get one event per message, as Centrifugo sends them: `data: <json>` and a blank line.
    if (this.init.format === 'sse') for (const message of messages) parts.push(DATA_PREFIX, message, EVENT_END);
    else for (const message of messages) parts.push(message, NEWLINE_BUFFER);
    this.res.write(Buffer.concat(parts));
  }
}

const NEWLINE_BUFFER = Buffer.from('\n');
const DATA_PREFIX = Buffer.from('data: ');
const EVENT_END = Buffer.from('\n\n');

import { DisconnectCode } from '../protocol/codes.js';
import { DisconnectError } from '../protocol/protocol-error.js';
import type { SessionCore } from './session-core.js';

/** Server pings every `pingInterval`; a pong must come within `pongTimeout` (else 3012), and never unasked. */
export class KeepAlive {
  private pingTimer?: NodeJS.Timeout;
  private pongTimer?: NodeJS.Timeout;
  private awaitingPong = false;

  constructor(private readonly core: SessionCore) {}

  /** The `ping`/`pong` fields of the connect result, and the first ping scheduled; nothing when pings are off. */
  start(): { ping: number; pong: boolean } | undefined {
    const { pingInterval } = this.core.node.options.websocket;
    if (pingInterval <= 0) return undefined;
    this.schedulePing();
    // A unidirectional client cannot answer: its pings only keep the stream and its reader alive.
    return { ping: pingInterval, pong: !this.core.connection.unidirectional };
  }

  pong(): void {
    if (!this.awaitingPong) throw DisconnectError.of(DisconnectCode.BadRequest, 'pong without ping');
    this.awaitingPong = false;
    clearTimeout(this.pongTimer);
    this.schedulePing();
  }

  stop(): void {
    clearTimeout(this.pingTimer);
    clearTimeout(this.pongTimer);
  }

  private schedulePing(): void {
    const { core } = this;
    const { pingInterval, pongTimeout } = core.node.options.websocket;
    this.pingTimer = setTimeout(() => {
      if (core.state !== 'connected') return;
      core.queue.push(core.codec.ping, 'high');
      if (core.connection.unidirectional) {
        this.schedulePing();
        return;
      }
      this.awaitingPong = true;
      this.pongTimer = setTimeout(() => core.disconnect(DisconnectCode.NoPong), pongTimeout * 1000);
      this.pongTimer.unref();
    }, pingInterval * 1000);
    this.pingTimer.unref();
  }
}

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
  start(): { ping: number; pong: true } | undefined {
    const { pingInterval } = this.core.node.options.websocket;
    if (pingInterval <= 0) return undefined;
    this.schedulePing();
    return { ping: pingInterval, pong: true };
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
      this.awaitingPong = true;
      this.pongTimer = setTimeout(() => core.disconnect(DisconnectCode.NoPong), pongTimeout * 1000);
      this.pongTimer.unref();
    }, pingInterval * 1000);
    this.pingTimer.unref();
  }
}

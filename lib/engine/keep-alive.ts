import { DisconnectCode } from '../protocol/codes.js';
import { DisconnectError } from '../protocol/protocol-error.js';
import type { SessionCore } from './session-core.js';
import type { KeepAliveTimed } from './session-timers.js';

/**
 * Server pings every `pingInterval`; a pong must come within `pongTimeout` (else 3012), and never
 * unasked. The waits are entries in the node's `SessionTimers`, not timers of this connection.
 */
export class KeepAlive implements KeepAliveTimed {
  private awaitingPong = false;

  constructor(private readonly core: SessionCore) {}

  /** The `ping`/`pong` fields of the connect result, and the first ping scheduled; nothing when pings are off. */
  start(): { ping: number; pong: boolean } | undefined {
    const { pingInterval } = this.core.node.options.websocket;
    if (pingInterval <= 0) return undefined;
    this.core.node.timers.pings.add(this);
    // A unidirectional client cannot answer: its pings only keep the stream and its reader alive.
    return { ping: pingInterval, pong: !this.core.connection.unidirectional };
  }

  pong(): void {
    if (!this.awaitingPong) throw DisconnectError.of(DisconnectCode.BadRequest, 'pong without ping');
    this.awaitingPong = false;
    const { timers } = this.core.node;
    timers.pongs.delete(this);
    timers.pings.add(this);
  }

  stop(): void {
    const { timers } = this.core.node;
    timers.pings.delete(this);
    timers.pongs.delete(this);
  }

  /** The ping falls due. */
  ping(): void {
    const { core } = this;
    if (core.state !== 'connected') return;
    core.queue.push(core.codec.ping, 'high');
    const { timers } = core.node;
    if (core.connection.unidirectional) {
      timers.pings.add(this);
      return;
    }
    this.awaitingPong = true;
    timers.pongs.add(this);
  }

  /** No pong within `pongTimeout` of the ping. */
  pongMissed(): void {
    this.core.disconnect(DisconnectCode.NoPong);
  }
}

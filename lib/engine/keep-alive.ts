import { DisconnectCode } from '../protocol/codes.js';
import { DisconnectError } from '../protocol/protocol-error.js';
import type { SessionCore } from './session-core.js';

/**
 * Server pings every `pingInterval`; a pong must come within `pongTimeout` (else 3012), and never
 * unasked. The waits are entries in the node's `SessionTimers` keyed by the session, not timers of
 * this connection; a pong is awaited while the session is in the pong queue. Holding no state of
 * its own, this part is made per use.
 */
export class KeepAlive {
  constructor(private readonly core: SessionCore) {}

  /** The `ping`/`pong` fields of the connect result, and the first ping scheduled; nothing when pings are off. */
  start(): { ping: number; pong: boolean } | undefined {
    const { core } = this;
    const { pingInterval } = core.node.options.websocket;
    if (pingInterval <= 0) return undefined;
    core.node.timers.pings.add(core.session);
    // A unidirectional client cannot answer: its pings only keep the stream and its reader alive.
    return { ping: pingInterval, pong: !core.connection.unidirectional };
  }

  pong(): void {
    const { timers } = this.core.node;
    const { session } = this.core;
    if (!timers.pongs.delete(session)) throw DisconnectError.of(DisconnectCode.BadRequest, 'pong without ping');
    timers.pings.add(session);
  }

  stop(): void {
    const { timers } = this.core.node;
    timers.pings.delete(this.core.session);
    timers.pongs.delete(this.core.session);
  }

  /** The ping falls due. */
  ping(): void {
    const { core } = this;
    if (core.state !== 'connected') return;
    core.queue.push(core.codec.ping, 'high');
    const { timers } = core.node;
    if (core.connection.unidirectional) {
      timers.pings.add(core.session);
      return;
    }
    timers.pongs.add(core.session);
  }

  /** No pong within `pongTimeout` of the ping. */
  pongMissed(): void {
    this.core.disconnect(DisconnectCode.NoPong);
  }
}

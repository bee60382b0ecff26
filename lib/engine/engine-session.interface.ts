import type { ControlMessage } from '../broker/broker.interface.js';
import type { DeltaPublication } from '../delivery/delta-publication.js';
import type { Priority } from '../delivery/priority.js';
import type { EncodedPush } from '../protocol/encoded-push.js';
import type { Publication } from '../protocol/frames.js';
import type { ClientInfo } from './client-info.js';

/** What the node needs of a client session: its names, delivery, and the way in for control messages. */
export interface EngineSession {
  readonly id: string;
  readonly user: string;
  readonly info: ClientInfo;
  /**
   * Set by the node when it counts the session connected: milliseconds since the node started (a
   * small integer, stored in the session rather than in a map of the node's).
   */
  connectedAt?: number;
  /**
   * A publication for a channel the session is subscribed to, encoded once per codec for all
   * subscribers; `delta` is set in channels whose namespace allows delta compression.
   */
  deliverPublication(channel: string, publication: Publication, encoded: EncodedPush, priority: Priority, delta?: DeltaPublication): void;
  deliverJoinLeave(channel: string, encoded: EncodedPush): void;
  /** A control message for this connection, run on its command chain after the commands already queued. */
  control(message: ControlMessage): void;
  /** Closes the connection now, whatever is queued: the node's shutdown. */
  disconnect(code: number, detail?: string, reason?: string): void;
}

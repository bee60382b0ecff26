import type { Backend } from '../backends/backend.interface.js';
import type { Connection } from '../delivery/connection.interface.js';

/**
 * What the engine measures on its hot path; metrics implement it, and a node without metrics gets
 * `noMeter`. Calls are made once per frame, command or fan-out, never per delivery.
 */
export interface EngineMeter {
  /** False for `noMeter`: the node then skips timing publications altogether. */
  readonly active: boolean;
  /** A command finished (answered or refused) after `seconds`. */
  commandDone(method: string, seconds: number): void;
  /** A command was refused with a protocol error code. */
  refused(code: number): void;
  /** A publication was queued to `count` local subscribers of `channel`. */
  delivered(channel: string, count: number): void;
  /** A publication's frames reached the sockets `seconds` after the node took it from the broker. */
  sent(seconds: number): void;
  /** A low-priority message was dropped for a connection whose socket held too much. */
  droppedLowPriority(): void;
  /** A frame of `bytes` came in from a client. */
  received(bytes: number): void;
  /** The connection, counting the bytes sent through it. */
  meterConnection(connection: Connection): Connection;
  /** The backend, timing its operations. */
  meterBackend(backend: Backend): Backend;
}

export const noMeter: EngineMeter = {
  active: false,
  commandDone() {},
  refused() {},
  delivered() {},
  sent() {},
  droppedLowPriority() {},
  received() {},
  meterConnection: (connection) => connection,
  meterBackend: (backend) => backend,
};

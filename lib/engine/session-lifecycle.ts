import { StreamingEvents } from '../events/streaming-events.js';
import type { LogSummarizer } from '../logging/log-summarizer.js';
import { ConnectionCount } from './connection-count.js';
import type { EngineSession } from './engine-session.interface.js';
import type { NodeObservers } from './node-observers.js';

/**
 * What a node does as its sessions open, subscribe, unsubscribe and close: the events its observers
 * get, the log lines, and the count of sessions whose cleanup is not done (shutdown waits for it).
 */
export class SessionLifecycle {
  private readonly open = new ConnectionCount();

  constructor(
    private readonly events: NodeObservers,
    private readonly log: LogSummarizer,
    private readonly startedAt: number,
  ) {}

  connected(session: EngineSession): void {
    this.open.opened();
    session.connectedAt = Date.now() - this.startedAt;
    const { id: client, user, transport, info: connInfo } = session.info;
    this.log.report('verbose', 'connection opened', `connection opened over ${transport}`, `client ${client} user "${user}"`);
    this.events.emit({ name: StreamingEvents.Connected, payload: { client, user, transport, connInfo } });
  }

  /** Called once the session's cleanup (unsubscribe, leave presence) is done. */
  disconnected(session: EngineSession, code: number, reason: string): void {
    const duration = (Date.now() - this.startedAt - (session.connectedAt ?? Date.now() - this.startedAt)) / 1000;
    const line = `connection closed: ${code} ${reason} after ${duration.toFixed(1)} s`;
    this.log.report('verbose', `connection closed ${code}`, line, `client ${session.id} user "${session.user}"`);
    this.events.emit({ name: StreamingEvents.Disconnected, payload: { client: session.id, user: session.user, code, reason, duration } });
    this.open.closed();
  }

  subscribed(session: EngineSession, channel: string, serverSide: boolean): void {
    this.events.emit({ name: StreamingEvents.Subscribed, payload: { client: session.id, user: session.user, channel, serverSide } });
  }

  unsubscribed(session: EngineSession, channel: string): void {
    this.events.emit({ name: StreamingEvents.Unsubscribed, payload: { client: session.id, user: session.user, channel } });
  }

  /** Resolves once every session's cleanup is done, or after `timeoutMs`. */
  async allClosed(timeoutMs: number): Promise<void> {
    await this.open.none(timeoutMs);
  }
}

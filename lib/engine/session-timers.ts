import { DelayQueue, realClock, type TimerClock } from './delay-queue.js';

/** What the keep-alive queues call: a session's ping falls due, or its pong did not come in time. */
export interface KeepAliveTimed {
  ping(): void;
  pongMissed(): void;
}

/** What the connect deadline calls: the socket sent no `connect` within `websocket.connectTimeout`. */
export interface ConnectTimed {
  stale(): void;
}

/**
 * The node's timers for every session's fixed delays, one `DelayQueue` (one timer) each instead of
 * timers per connection: the next server ping (`pingInterval`), the pong deadline (`pongTimeout`)
 * and the connect deadline (`connectTimeout`).
 */
export class SessionTimers {
  readonly pings: DelayQueue<KeepAliveTimed>;
  readonly pongs: DelayQueue<KeepAliveTimed>;
  readonly connects: DelayQueue<ConnectTimed>;

  constructor(websocket: { pingInterval: number; pongTimeout: number; connectTimeout: number }, clock: TimerClock = realClock) {
    this.pings = new DelayQueue(websocket.pingInterval * 1000, (session) => session.ping(), clock);
    this.pongs = new DelayQueue(websocket.pongTimeout * 1000, (session) => session.pongMissed(), clock);
    this.connects = new DelayQueue(websocket.connectTimeout * 1000, (session) => session.stale(), clock);
  }
}

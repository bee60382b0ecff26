// What every bench server shares: announce the port, answer the orchestrator's IPC requests.
import { openFileLimit } from '../child.mjs';
import { monotonicNow } from '../clock.mjs';

/**
 * `publish(payload)` sends one message to every subscriber of the bench channel. Requests:
 * {type:'burst', count} publishes `count` messages now; {type:'paced', perSecond, seconds} publishes
 * at a steady rate, one per event-loop turn; {type:'cpu'} answers the process's CPU time so far (user + system, µs), which the
 * orchestrator reads before and after a scenario, once every delivery has arrived, because our sends
 * leave at the end of the turn, after `publish` returns; {type:'memory'} answers the process memory
 * after a full GC; {type:'connections'} answers how many clients are connected (`connections()`);
 * {type:'exit'} ends it.
 */
export function serve(port, publish, connections) {
  let seq = 0;
  const message = () => ({ seq: seq++, ts: monotonicNow() });
  process.on('message', async (req) => {
    if (req.type === 'burst') {
      for (let i = 0; i < req.count; i++) await publish(message());
      process.send({ type: 'done' });
    } else if (req.type === 'paced') {
      const interval = 1000 / req.perSecond;
      const total = Math.round(req.perSecond * req.seconds);
      const start = monotonicNow();
      for (let i = 0; i < total; i++) {
        const wait = start + i * interval - monotonicNow();
        // One message per event-loop turn, even when behind schedule: a late message waits for the
        // next turn rather than sharing this one's frame, so no delivery is amortized over several.
        await new Promise((resolve) => (wait > 0 ? setTimeout(resolve, wait) : setImmediate(resolve)));
        await publish(message());
      }
      process.send({ type: 'done' });
    } else if (req.type === 'exit') {
      // A clean exit, so that --cpu-prof gets to write its profile.
      process.exit(0);
    } else if (req.type === 'cpu') {
      const { user, system } = process.cpuUsage();
      process.send({ type: 'cpu', micros: user + system });
    } else if (req.type === 'connections') {
      process.send({ type: 'connections', count: connections() });
    } else if (req.type === 'memory') {
      for (let i = 0; i < 3; i++) {
        globalThis.gc();
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const { rss, heapUsed } = process.memoryUsage();
      process.send({ type: 'memory', rss, heapUsed });
    }
  });
  process.send({ type: 'ready', port, openFileLimit: openFileLimit() });
}

// The load process: N subscribed clients of one kind, counting deliveries and their latency.
import { monotonicNow } from '../clock.mjs';
import { clients } from './connect.mjs';

const [kind, port, count] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
const CONNECTING_AT_ONCE = 100;

let received = 0;
const latencies = new Float64Array(1 << 20);
let samples = 0;
let target = Infinity;
let onTarget = () => undefined;
// The load process's own busy share of one core since the last reset: near 1 it, not the server, is
// the bottleneck, and the orchestrator marks the figure.
let cpuStart = process.cpuUsage();
let wallStart = performance.now();
const busy = () => {
  const { user, system } = process.cpuUsage(cpuStart);
  return (user + system) / 1000 / (performance.now() - wallStart);
};

function onMessage(message) {
  received++;
  if (samples < latencies.length) latencies[samples++] = monotonicNow() - message.ts;
  if (received >= target) {
    target = Infinity;
    onTarget();
  }
}

const closers = [];
for (let i = 0; i < count; i += CONNECTING_AT_ONCE) {
  const batch = Math.min(CONNECTING_AT_ONCE, count - i);
  closers.push(...(await Promise.all(Array.from({ length: batch }, () => clients[kind](port, onMessage)))));
}

function percentile(sorted, p) {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

process.on('message', (req) => {
  if (req.type === 'reset') {
    received = 0;
    samples = 0;
    cpuStart = process.cpuUsage();
    wallStart = performance.now();
    process.send({ type: 'reset' });
  } else if (req.type === 'waitFor') {
    const reply = () => process.send({ type: 'reached', received, busy: busy() });
    if (received >= req.total) reply();
    else {
      target = req.total;
      onTarget = reply;
    }
  } else if (req.type === 'stats') {
    const sorted = latencies.slice(0, samples).sort();
    process.send({ type: 'stats', received, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: percentile(sorted, 100), busy: busy() });
  } else if (req.type === 'exit') {
    for (const close of closers) close();
    process.exit(0);
  }
});
process.send({ type: 'ready' });

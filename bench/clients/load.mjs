// A load process: its share of the subscribers, counting deliveries and their latency. One JSON
// argument: { kind, port, count, first (the index of its first client among all load processes),
// deflate, sourceAddresses, idle: { fanout } }. Idle clients are users `u<i>` with a token, each
// subscribed to a channel of its own, and the first `fanout` of all also to the bench channel.
import { CHANNEL } from '../channel.mjs';
import { openFileLimit } from '../child.mjs';
import { monotonicNow } from '../clock.mjs';
import { clients } from './connect.mjs';
import { connectionToken } from './token.mjs';

const spec = JSON.parse(process.argv[2]);
const CONNECTING_AT_ONCE = 100;

let received = 0;
const latencies = new Float64Array(1 << 21);
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

/** Client `i` of all: past ~28,000 sockets from one address to one port the ephemeral ports run out. */
function targetOf(i) {
  const localAddress = spec.sourceAddresses > 1 ? `127.0.0.${2 + (i % spec.sourceAddresses)}` : undefined;
  const base = { port: spec.port, deflate: spec.deflate, localAddress };
  if (!spec.idle) return base;
  const channels = [`bench:u${i}`, ...(i < spec.idle.fanout ? [CHANNEL] : [])];
  return { ...base, token: connectionToken(`u${i}`), channels };
}

if (openFileLimit() < spec.count + 64) {
  throw new Error(`a load process may open ${openFileLimit()} files, ${spec.count + 64} needed: raise ulimit -Hn or BENCH_LOAD_PROCESSES`);
}

const receivers = spec.idle ? Math.max(0, Math.min(spec.count, spec.idle.fanout - spec.first)) : spec.count;
const closers = [];
const connectStart = performance.now();
for (let i = 0; i < spec.count; i += CONNECTING_AT_ONCE) {
  const batch = Math.min(CONNECTING_AT_ONCE, spec.count - i);
  const connecting = Array.from({ length: batch }, (_, j) => clients[spec.kind](targetOf(spec.first + i + j), onMessage));
  closers.push(...(await Promise.all(connecting)));
}
const connectMs = performance.now() - connectStart;

process.on('message', (req) => {
  if (req.type === 'reset') {
    received = 0;
    samples = 0;
    cpuStart = process.cpuUsage();
    wallStart = performance.now();
    process.send({ type: 'reset' });
  } else if (req.type === 'waitFor') {
    // Every subscriber of the bench channel here has `perClient` messages since the last reset.
    const total = req.perClient * receivers;
    const reply = () => process.send({ type: 'reached', received, busy: busy() });
    if (received >= total) reply();
    else {
      target = total;
      onTarget = reply;
    }
  } else if (req.type === 'stats') {
    process.send({ type: 'stats', received, samples: latencies.slice(0, samples), busy: busy() });
  } else if (req.type === 'exit') {
    for (const close of closers) close();
    process.exit(0);
  }
});
process.send({ type: 'ready', receivers, connectMs, openFileLimit: openFileLimit() });

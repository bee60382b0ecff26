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

if (openFileLimit() < spec.count + 64) {
  throw new Error(`a load process may open ${openFileLimit()} files, ${spec.count + 64} needed: raise ulimit -Hn or BENCH_LOAD_PROCESSES`);
}

// Clients here that subscribe to the bench channel: all, or the idle scenario's first `fanout` of all.
const receivers = spec.idle ? Math.max(0, Math.min(spec.count, spec.idle.fanout - spec.first)) : spec.count;
// Since the last reset: deliveries, per client too, so that a client the server drops stops
// counting towards "every subscriber has all messages" with what it had received.
let received = 0;
const receivedBy = new Uint32Array(spec.count);
let receivedByDropped = 0;
let live = receivers;
// Since the start: clients the server closed, and why (the first reason is printed).
let dropped = 0;
const latencies = new Float64Array(1 << 21);
let samples = 0;
// What the pending waitFor asks: this many messages for every subscriber still connected.
let wanted = Infinity;
let onTarget = () => undefined;
// The load process's own busy share of one core since the last reset: near 1 it, not the server, is
// the bottleneck, and the orchestrator marks the figure.
let cpuStart = process.cpuUsage();
let wallStart = performance.now();
const busy = () => {
  const { user, system } = process.cpuUsage(cpuStart);
  return (user + system) / 1000 / (performance.now() - wallStart);
};

function checkTarget() {
  if (received - receivedByDropped >= wanted * live) {
    wanted = Infinity;
    onTarget();
  }
}

function onMessage(j, message) {
  received++;
  receivedBy[j]++;
  if (samples < latencies.length) latencies[samples++] = monotonicNow() - message.ts;
  checkTarget();
}

function onClose(j, reason) {
  if (dropped++ === 0) console.error(`load: the server closed a ${spec.kind} client during the run: ${reason}`);
  if (j >= receivers) return;
  live--;
  receivedByDropped += receivedBy[j];
  checkTarget();
}

/** Client `j` here: past ~28,000 sockets from one address to one port the ephemeral ports run out. */
function targetOf(j) {
  const i = spec.first + j;
  const localAddress = spec.sourceAddresses > 1 ? `127.0.0.${2 + (i % spec.sourceAddresses)}` : undefined;
  const base = { port: spec.port, deflate: spec.deflate, localAddress, onClose: (reason) => onClose(j, reason) };
  if (!spec.idle) return base;
  const channels = [`bench:u${i}`, ...(i < spec.idle.fanout ? [CHANNEL] : [])];
  return { ...base, token: connectionToken(`u${i}`), channels };
}

const closers = [];
const connectStart = performance.now();
for (let at = 0; at < spec.count; at += CONNECTING_AT_ONCE) {
  const batch = Array.from({ length: Math.min(CONNECTING_AT_ONCE, spec.count - at) }, (_, k) => at + k);
  closers.push(...(await Promise.all(batch.map((j) => clients[spec.kind](targetOf(j), (message) => onMessage(j, message))))));
}
const connectMs = performance.now() - connectStart;

process.on('message', (req) => {
  if (req.type === 'reset') {
    received = 0;
    receivedBy.fill(0);
    receivedByDropped = 0;
    samples = 0;
    cpuStart = process.cpuUsage();
    wallStart = performance.now();
    process.send({ type: 'reset' });
  } else if (req.type === 'waitFor') {
    // Every subscriber of the bench channel still connected has `perClient` messages since the reset.
    wanted = req.perClient;
    onTarget = () => process.send({ type: 'reached', received, dropped, busy: busy() });
    checkTarget();
  } else if (req.type === 'stats') {
    process.send({ type: 'stats', received, dropped, samples: latencies.slice(0, samples), busy: busy() });
  } else if (req.type === 'exit') {
    for (const close of closers) close();
    process.exit(0);
  }
});
process.send({ type: 'ready', receivers, connectMs });

// `npm run bench`: the same fan-out scenarios against our module, a bare `ws` server and Socket.IO,
// each server and its clients in separate processes, results printed as a Markdown table.
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Child } from './child.mjs';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const CLIENT_COUNTS = (process.env.BENCH_CLIENTS ?? '1000,5000').split(',').map(Number);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const BURST = 20;
const PACED_PER_SECOND = Number(process.env.BENCH_RATE ?? 10);
const ALL_SERVERS = { streaming: '@streaming/nest', ws: 'raw ws', socketio: 'Socket.IO' };
// BENCH_SERVERS=streaming,ws runs a subset.
const SERVERS = Object.fromEntries(
  Object.entries(ALL_SERVERS).filter(([kind]) => (process.env.BENCH_SERVERS ?? kind).split(',').includes(kind)),
);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function measure(kind, count) {
  // BENCH_PROFILE=<dir> writes a CPU profile of each server there.
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  const server = new Child(here(`./servers/${kind}-server.mjs`), [], ['--expose-gc', ...profile]);
  let load;
  try {
    const { port } = await server.next('ready');
    const before = await server.request({ type: 'memory' }, 'memory');
    load = new Child(here('./clients/load.mjs'), [kind, String(port), String(count)]);
    await load.next('ready');
    await sleep(500);
    const after = await server.request({ type: 'memory' }, 'memory');

    // Throughput: bursts of BURST messages, each fully delivered before the next, for SECONDS.
    await load.request({ type: 'reset' }, 'reset');
    let delivered = 0;
    let burstLoadBusy = 0;
    const serverCpu = async () => (await server.request({ type: 'cpu' }, 'cpu')).micros;
    const burstCpuStart = await serverCpu();
    const started = performance.now();
    while (performance.now() - started < SECONDS * 1000) {
      const reached = load.request({ type: 'waitFor', total: delivered + BURST * count }, 'reached');
      await server.request({ type: 'burst', count: BURST }, 'done');
      ({ received: delivered, busy: burstLoadBusy } = await reached);
    }
    const throughput = delivered / ((performance.now() - started) / 1000);
    const burstCpu = (await serverCpu()) - burstCpuStart;

    // Latency at a steady rate well under saturation.
    await load.request({ type: 'reset' }, 'reset');
    const total = Math.round(PACED_PER_SECOND * SECONDS) * count;
    const reached = load.request({ type: 'waitFor', total }, 'reached');
    const pacedCpuStart = await serverCpu();
    await server.request({ type: 'paced', perSecond: PACED_PER_SECOND, seconds: SECONDS }, 'done');
    await reached;
    const pacedCpu = (await serverCpu()) - pacedCpuStart;
    const latency = await load.request({ type: 'stats' }, 'stats');
    return {
      throughput,
      burstCpuPerDelivery: burstCpu / delivered,
      pacedCpuPerDelivery: pacedCpu / total,
      burstLoadBusy,
      pacedLoadBusy: latency.busy,
      p50: latency.p50,
      p99: latency.p99,
      rssPerConnection: (after.rss - before.rss) / count,
      heapPerConnection: (after.heapUsed - before.heapUsed) / count,
    };
  } finally {
    await load?.stop();
    await server.stop();
  }
}

// The load process busy this share of a core or more: the figure measures it as much as the server.
const SATURATED = 0.9;
const mark = (busy, text) => (busy >= SATURATED ? `${text} ⚠` : text);
const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
const ms = (value) => `${value.toFixed(2)} ms`;
const us = (value) => `${value.toFixed(2)} µs`;
const rows = [
  ['fan-out, deliveries/s', (r) => mark(r.burstLoadBusy, Math.round(r.throughput).toLocaleString('en-US'))],
  ['server CPU per delivery, bursts', (r) => us(r.burstCpuPerDelivery)],
  [`server CPU per delivery, ${PACED_PER_SECOND} msg/s paced`, (r) => us(r.pacedCpuPerDelivery)],
  [`latency p50 at ${PACED_PER_SECOND} msg/s`, (r) => mark(r.pacedLoadBusy, ms(r.p50))],
  [`latency p99 at ${PACED_PER_SECOND} msg/s`, (r) => mark(r.pacedLoadBusy, ms(r.p99))],
  ['server RSS per connection', (r) => kib(r.rssPerConnection)],
  ['server heap per connection', (r) => kib(r.heapPerConnection)],
];

console.log(`Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}; ${SECONDS} s per scenario\n`);
for (const count of CLIENT_COUNTS) {
  const results = {};
  for (const kind of Object.keys(SERVERS)) {
    process.stderr.write(`${count} clients, ${SERVERS[kind]}…\n`);
    results[kind] = await measure(kind, count);
  }
  console.log(`**${count.toLocaleString('en-US')} subscribers on one channel**\n`);
  console.log(`| | ${Object.values(SERVERS).join(' | ')} |`);
  console.log(`|---|${Object.keys(SERVERS).map(() => '---:').join('|')}|`);
  for (const [label, format] of rows) console.log(`| ${label} | ${Object.keys(SERVERS).map((kind) => format(results[kind])).join(' | ')} |`);
  const busiest = Math.max(...Object.values(results).flatMap((r) => [r.burstLoadBusy, r.pacedLoadBusy]));
  if (busiest >= SATURATED) console.log(`\n⚠ the load process was ≥ ${SATURATED * 100} % busy on one core: that figure is capped by the load, not the server.`);
  console.log('');
}

// `npm run bench`: the same fan-out scenarios against our module (JSON, protobuf, deflate), a bare
// `ws` server and Socket.IO, then our module on Redis (one node, two nodes) and, behind BENCH_IDLE,
// many idle connections; each server in its own process, the subscribers split across load
// processes; results printed as Markdown tables.
import { cpus } from 'node:os';
import { knobs, VARIANTS } from './knobs.mjs';
import { integer, kib, ms, percent, printTable, row, us } from './report.mjs';
import { measure } from './scenarios/fanout.mjs';
import { measureIdle } from './scenarios/idle.mjs';
import { measureRedis } from './scenarios/redis.mjs';

const started = performance.now();
const columns = knobs.variants.map((key) => ({ key, label: VARIANTS[key].label }));
const versusFloor = [
  { label: 'ours ÷ ws', of: 'streaming', to: 'ws' },
  { label: 'ours ÷ Socket.IO', of: 'streaming', to: 'socketio' },
];

console.log(`Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}; ${knobs.seconds} s per scenario, ${knobs.loadProcesses} load processes\n`);

// The paced run shares the server and clients of its size's fan-out run, or has its own.
const counts = [...new Set([...knobs.clients, knobs.pacedClients])];
const results = {};
for (const count of counts) {
  results[count] = {};
  for (const key of knobs.variants) {
    process.stderr.write(`${count} clients, ${VARIANTS[key].label}…`);
    const bursts = knobs.clients.includes(count);
    const start = performance.now();
    results[count][key] = await measure(key, count, { bursts, paced: count === knobs.pacedClients });
    process.stderr.write(` ${((performance.now() - start) / 1000).toFixed(1)} s\n`);
  }
}

const busiest = (field) => (r) => r[field];
// Subscribers the server closed during the run (a missed pong, a full queue): the load process
// prints the first reason; the other figures of that column count the rest.
const dropRow = row('clients the server closed', (r) => r.dropped, integer, undefined, false);
for (const count of knobs.clients) {
  printTable(`${integer(count)} subscribers on one channel, bursts of 20`, columns, results[count], [
    row('fan-out, deliveries/s', (r) => r.throughput, integer, busiest('burstLoadBusy')),
    row('server CPU per delivery', (r) => r.burstCpu, us),
    row('server RSS per idle connection', (r) => r.rssIdle, kib),
    row('server heap per idle connection', (r) => r.heapIdle, kib),
    row('server RSS per connection after traffic', (r) => r.rssTraffic, kib),
    row('server heap per connection after traffic', (r) => r.heapTraffic, kib),
    row('busiest load process', (r) => r.burstLoadBusy, percent, undefined, false),
    dropRow,
  ], versusFloor);
}

const pacedTitle = `${integer(knobs.pacedClients)} subscribers × ${knobs.rate} msg/s, one message per event-loop turn`;
const pacedRows = [
  row('latency p50', (r) => r.p50, ms, busiest('pacedLoadBusy')),
  row('latency p99', (r) => r.p99, ms, busiest('pacedLoadBusy')),
  row('server CPU per delivery', (r) => r.pacedCpu, us),
  row(`last delivery after (planned ${knobs.seconds} s)`, (r) => r.pacedSeconds, (v) => `${v.toFixed(1)} s`, undefined, false),
  row('busiest load process', (r) => r.pacedLoadBusy, percent, undefined, false),
  dropRow,
];
printTable(pacedTitle, columns, results[knobs.pacedClients], pacedRows, versusFloor);

if (knobs.redis) {
  const redis = await measureRedis(knobs.pacedClients);
  if (redis.skipped) console.log(`Redis table skipped: ${redis.skipped}\n`);
  else {
    const memory = results[knobs.pacedClients].streaming;
    const table = { memory, one: redis.one, two: redis.two };
    const redisColumns = [
      { key: 'memory', label: 'one node, memory' },
      { key: 'one', label: 'one node, Redis' },
      { key: 'two', label: 'A → B on Redis' },
    ];
    printTable(`Redis: ${integer(knobs.pacedClients)} subscribers on node B, publisher on node A; CPU of both nodes`, redisColumns, table, [
      row('fan-out, deliveries/s', (r) => r.throughput, integer, busiest('burstLoadBusy')),
      row('server CPU per delivery, bursts', (r) => r.burstCpu, us),
      ...pacedRows.slice(0, 3).map((r) => ({ ...r, label: `${r.label}, ${knobs.rate} msg/s` })),
      pacedRows[3],
      dropRow,
    ], [{ label: 'A → B ÷ one node (p99 target ≤ 2×)', of: 'two', to: 'memory' }]);
  }
}

if (knobs.idle > 0) {
  const fanout = Math.min(knobs.idleChannel, knobs.idle);
  process.stderr.write(`${knobs.idle} idle connections…\n`);
  const r = await measureIdle(knobs.idle, fanout);
  console.log(`**${integer(r.count)} idle authenticated connections, one publication to ${integer(r.fanout)} of them**\n`);
  console.log('| | |\n|---|---:|');
  console.log(`| connect and subscribe all (slowest load process) | ${ms(r.connectMs)} |`);
  console.log(`| server RSS, total / per connection | ${(r.rss / 2 ** 20).toFixed(1)} MiB / ${kib(r.rss / r.count)} |`);
  console.log(`| server heap, total / per connection | ${(r.heap / 2 ** 20).toFixed(1)} MiB / ${kib(r.heap / r.count)} |`);
  console.log(`| publication delivered: first / p50 / last | ${ms(r.first)} / ${ms(r.p50)} / ${ms(r.last)} |`);
  console.log(`| server CPU for the publication | ${ms(r.cpu / 1000)} |`);
  console.log(`| server RSS / heap after it | ${(r.rssAfter / 2 ** 20).toFixed(1)} / ${(r.heapAfter / 2 ** 20).toFixed(1)} MiB |\n`);
}
console.error(`bench finished in ${((performance.now() - started) / 1000).toFixed(0)} s`);

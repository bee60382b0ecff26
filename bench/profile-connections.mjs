// What one idle subscribed connection costs a server, and its CPU per delivery at a paced rate,
// with a heap snapshot or a CPU profile to find out why. Not part of `npm run bench`: a tool for
// working on the per-connection cost, one server at a time.
//
//   node bench/profile-connections.mjs [streaming|ws] [clients]
//
// PROFILE_SNAPSHOT=<dir>: heap snapshots of the server with no client and with all of them
// connected (bench/profile-heap-summary.mjs compares two). PROFILE_CPU=<dir>: a --cpu-prof of the
// server. PROFILE_RATE (messages/s, 10) and PROFILE_SECONDS (10) shape the paced run;
// PROFILE_ROUNDS (1) repeats it, printing each round.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Child } from './child.mjs';
import { LoadPool } from './load-pool.mjs';
import { warmUp } from './servers/start.mjs';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const kind = process.argv[2] ?? 'streaming';
const count = Number(process.argv[3] ?? 1000);
const rate = Number(process.env.PROFILE_RATE ?? 10);
const seconds = Number(process.env.PROFILE_SECONDS ?? 10);
const rounds = Number(process.env.PROFILE_ROUNDS ?? 1);
const snapshots = process.env.PROFILE_SNAPSHOT;
const cpuDir = process.env.PROFILE_CPU;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const execArgv = ['--expose-gc', '--import', here('./profile-hooks.mjs')];
if (cpuDir) execArgv.push('--cpu-prof', `--cpu-prof-dir=${cpuDir}`);
const server = new Child(here(`./servers/${kind}-server.mjs`), [], execArgv);
let load;
try {
  const { port } = await server.next('ready');
  const snapshot = async (name) => {
    if (!snapshots) return;
    mkdirSync(snapshots, { recursive: true });
    await server.request({ type: 'snapshot', path: join(snapshots, `${kind}-${name}.heapsnapshot`) }, 'snapshot', 600_000);
  };
  const spec = { kind, port };
  await warmUp(server, server, spec);
  await snapshot('0');
  const before = await server.request({ type: 'memory' }, 'memory');
  load = await LoadPool.start(spec, count, 1);
  await sleep(500);
  const after = await server.request({ type: 'memory' }, 'memory');
  await snapshot(String(count));
  const kib = (bytes) => `${(bytes / count / 1024).toFixed(2)} KiB`;
  console.log(`${kind}, ${count} idle subscribed connections: heap ${kib(after.heapUsed - before.heapUsed)}, RSS ${kib(after.rss - before.rss)} per connection`);

  const cpu = async () => (await server.request({ type: 'cpu' }, 'cpu')).micros;
  for (let round = 0; round < rounds; round++) {
    await load.reset();
    const perClient = Math.round(rate * seconds);
    const total = perClient * count;
    const reached = load.waitFor(perClient, 600_000);
    const start = await cpu();
    await server.request({ type: 'paced', perSecond: rate, seconds }, 'done', 600_000);
    const { busy } = await reached;
    const used = (await cpu()) - start;
    console.log(`${kind}, ${rate} msg/s for ${seconds} s: ${(used / total).toFixed(2)} µs of server CPU per delivery (load process ${Math.round(busy * 100)} % busy)`);
  }
} finally {
  await load?.stop();
  await server.stop();
}

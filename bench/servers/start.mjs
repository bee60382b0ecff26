// Starting a bench server process of one kind, with its configuration and the descriptors it needs.
import { fileURLToPath } from 'node:url';
import { Child } from '../child.mjs';
import { knobs } from '../knobs.mjs';
import { LoadPool } from '../load-pool.mjs';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
// Descriptors a server holds besides its clients' sockets (listener, Redis, IPC, stdio).
const SPARE_FILES = 256;
const WARM_UP_CLIENTS = 200;

/** A server child and its `ready` message ({ port, openFileLimit }). */
export async function startServer(kind, config, connections) {
  // BENCH_PROFILE=<dir> writes a CPU profile of each server there.
  const profile = knobs.profile ? ['--cpu-prof', `--cpu-prof-dir=${knobs.profile}`] : [];
  const server = new Child(here(`./${kind}-server.mjs`), [JSON.stringify(config ?? {})], ['--expose-gc', ...profile], {
    nofile: connections + SPARE_FILES,
  });
  try {
    server.ready = await server.next('ready');
  } catch (err) {
    await server.stop();
    throw err;
  }
  if (server.ready.openFileLimit < connections + SPARE_FILES) {
    await server.stop();
    throw new Error(`the ${kind} server may open ${server.ready.openFileLimit} files, ${connections + SPARE_FILES} needed: raise the hard limit (ulimit -Hn)`);
  }
  return server;
}

/**
 * A few hundred clients connected, subscribed, sent a message and gone before the memory baseline:
 * the code a connection runs is compiled then, once per process, and not counted per connection
 * (without it, 1,000 connections carry about 0.5 KiB each of compiled code that 5,000 share).
 */
export async function warmUp(server, publisher, spec) {
  const pool = await LoadPool.start(spec, WARM_UP_CLIENTS, 1);
  try {
    await pool.reset();
    const delivered = pool.waitFor(1);
    await publisher.request({ type: 'burst', count: 1 }, 'done');
    await delivered;
  } finally {
    await pool.stop();
  }
  const deadline = Date.now() + 10_000;
  while ((await server.request({ type: 'connections' }, 'connections')).count > 0) {
    if (Date.now() > deadline) throw new Error(`the ${spec.kind} server still holds warm-up clients after 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Server memory after a full GC. */
export const memoryOf = (server) => server.request({ type: 'memory' }, 'memory');

/** CPU time (user + system, µs) of all `servers` together so far. */
export async function cpuOf(servers) {
  const answers = await Promise.all(servers.map((server) => server.request({ type: 'cpu' }, 'cpu')));
  return answers.reduce((total, answer) => total + answer.micros, 0);
}

// Starting a bench server process of one kind, with its configuration and the descriptors it needs.
import { fileURLToPath } from 'node:url';
import { Child } from '../child.mjs';
import { knobs } from '../knobs.mjs';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
// Descriptors a server holds besides its clients' sockets (listener, Redis, IPC, stdio).
const SPARE_FILES = 256;

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

/** Server memory after a full GC. */
export const memoryOf = (server) => server.request({ type: 'memory' }, 'memory');

/** CPU time (user + system, µs) of all `servers` together so far. */
export async function cpuOf(servers) {
  const answers = await Promise.all(servers.map((server) => server.request({ type: 'cpu' }, 'cpu')));
  return answers.reduce((total, answer) => total + answer.micros, 0);
}

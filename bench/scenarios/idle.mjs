// BENCH_IDLE=<n>: n idle authenticated connections, each subscribed to a channel of its own, the
// first BENCH_IDLE_CHANNEL of them also to one big channel; then one publication to that channel.
import { knobs } from '../knobs.mjs';
import { LoadPool, percentile } from '../load-pool.mjs';
import { cpuOf, memoryOf, startServer } from '../servers/start.mjs';

// Sockets per loopback source address, under the 28,232 ephemeral ports Linux gives one by default.
const PER_SOURCE_ADDRESS = 20_000;

export async function measureIdle(count, fanout) {
  const server = await startServer('streaming', { idle: true }, count);
  let pool;
  try {
    const before = await memoryOf(server);
    const sourceAddresses = Math.ceil(count / PER_SOURCE_ADDRESS);
    const spec = { kind: 'streaming', port: server.ready.port, sourceAddresses, idle: { fanout } };
    pool = await LoadPool.start(spec, count, knobs.loadProcesses);
    const connected = await memoryOf(server);

    await pool.reset();
    const delivered = pool.waitFor(1, 600_000);
    const cpuStart = await cpuOf([server]);
    await server.request({ type: 'burst', count: 1 }, 'done');
    await delivered;
    const cpu = (await cpuOf([server])) - cpuStart;
    const { sorted } = await pool.stats();
    const after = await memoryOf(server);
    return {
      count,
      fanout,
      connectMs: pool.connectMs,
      rss: connected.rss - before.rss,
      heap: connected.heapUsed - before.heapUsed,
      rssAfter: after.rss - before.rss,
      heapAfter: after.heapUsed - before.heapUsed,
      first: sorted[0],
      p50: percentile(sorted, 50),
      last: sorted.at(-1),
      cpu,
    };
  } finally {
    await pool?.stop();
    await server.stop();
  }
}

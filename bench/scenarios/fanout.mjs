// One server setup (one node, or a publishing node A and a subscribers' node B on Redis) with
// `count` subscribers on one channel: memory when idle, bursts, memory after them, a paced run.
import { BURST, knobs, VARIANTS } from '../knobs.mjs';
import { LoadPool, percentile } from '../load-pool.mjs';
import { cpuOf, memoryOf, startServer, warmUp } from '../servers/start.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `variant`: a key of VARIANTS. `options.redis`: { url, prefix } for the Redis backend;
 * `options.nodes`: 2 puts the publisher on a node of its own. `options.bursts`, `options.paced`:
 * which scenarios to run.
 */
export async function measure(variant, count, options) {
  const { server: kind, client, config, deflate } = VARIANTS[variant];
  const serverConfig = { ...config, ...(options.redis ? { redis: options.redis } : {}) };
  const servers = [];
  let pool;
  try {
    for (let i = 0; i < (options.nodes ?? 1); i++) servers.push(await startServer(kind, serverConfig, count));
    const publisher = servers[0];
    const subscriberNode = servers.at(-1);
    const spec = { kind: client, port: subscriberNode.ready.port, deflate };
    await warmUp(subscriberNode, publisher, spec);
    const before = await memoryOf(subscriberNode);
    pool = await LoadPool.start(spec, count, knobs.loadProcesses);
    await sleep(500);
    const idle = await memoryOf(subscriberNode);

    // One message through before measuring: code paths compiled, and across nodes the subscription
    // to Redis known to be in place.
    await pool.reset();
    const warm = pool.waitFor(1);
    await publisher.request({ type: 'burst', count: 1 }, 'done');
    await warm;

    const result = {
      dropped: 0,
      rssIdle: (idle.rss - before.rss) / count,
      heapIdle: (idle.heapUsed - before.heapUsed) / count,
    };
    // Memory after the first traffic: a server that falls behind the paced rate may drop clients.
    const afterTraffic = async () => {
      const after = await memoryOf(subscriberNode);
      result.rssTraffic = (after.rss - before.rss) / count;
      result.heapTraffic = (after.heapUsed - before.heapUsed) / count;
    };
    if (options.bursts) {
      Object.assign(result, await bursts(publisher, servers, pool));
      await afterTraffic();
    }
    if (options.paced) {
      Object.assign(result, await paced(publisher, servers, pool));
      if (!options.bursts) await afterTraffic();
    }
    return result;
  } finally {
    await pool?.stop();
    await Promise.all(servers.map((server) => server.stop()));
  }
}

/** Bursts of BURST messages, each fully delivered before the next, for `knobs.seconds`. */
async function bursts(publisher, servers, pool) {
  await pool.reset();
  let messages = 0;
  let reached;
  const cpuStart = await cpuOf(servers);
  const started = performance.now();
  while (performance.now() - started < knobs.seconds * 1000) {
    messages += BURST;
    const delivered = pool.waitFor(messages);
    await publisher.request({ type: 'burst', count: BURST }, 'done');
    reached = await delivered;
  }
  const elapsed = (performance.now() - started) / 1000;
  const cpu = (await cpuOf(servers)) - cpuStart;
  return { throughput: reached.received / elapsed, burstCpu: cpu / reached.received, burstLoadBusy: reached.busy, dropped: reached.dropped };
}

/** `knobs.rate` messages per second for `knobs.seconds`, one per event-loop turn of the publisher. */
async function paced(publisher, servers, pool) {
  await pool.reset();
  const messages = Math.round(knobs.rate * knobs.seconds);
  const delivered = pool.waitFor(messages);
  const cpuStart = await cpuOf(servers);
  const started = performance.now();
  await publisher.request({ type: 'paced', perSecond: knobs.rate, seconds: knobs.seconds }, 'done');
  const { received } = await delivered;
  // Well past knobs.seconds: the server could not keep up with the rate, and latency is its backlog.
  const pacedSeconds = (performance.now() - started) / 1000;
  const cpu = (await cpuOf(servers)) - cpuStart;
  const { sorted, busy, dropped } = await pool.stats();
  return {
    dropped,
    pacedCpu: cpu / received,
    pacedLoadBusy: busy,
    pacedSeconds,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
  };
}

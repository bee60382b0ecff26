// The BENCH_* environment knobs of `npm run bench` (README, "Benchmarks", lists them).
import { availableParallelism } from 'node:os';

const env = process.env;
const number = (name, fallback) => (env[name] === undefined || env[name] === '' ? fallback : Number(env[name]));
const list = (name, fallback) => (env[name] ?? fallback).split(',').map((s) => s.trim()).filter(Boolean);

export const knobs = {
  /** Subscriber counts of the fan-out tables. */
  clients: list('BENCH_CLIENTS', '1000,5000').map(Number),
  /** Seconds of the burst and of the paced run. */
  seconds: number('BENCH_SECONDS', 5),
  /** Paced messages per second, each in an event-loop turn of its own. */
  rate: number('BENCH_RATE', 100),
  /** Subscribers of the paced run (and of the Redis table). */
  pacedClients: number('BENCH_PACED_CLIENTS', 1000),
  variants: list('BENCH_SERVERS', 'streaming,protobuf,deflate,ws,socketio'),
  /** Load processes the subscribers are split across: all but one core, at least two. */
  loadProcesses: number('BENCH_LOAD_PROCESSES', Math.max(2, Math.min(8, availableParallelism() - 1))),
  redis: env.BENCH_REDIS !== '0',
  redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  idle: number('BENCH_IDLE', 0),
  idleChannel: number('BENCH_IDLE_CHANNEL', 10_000),
  profile: env.BENCH_PROFILE,
};

export const BURST = 20;

/** Each column of the fan-out tables: a server, how its clients speak, and options of ours. */
export const VARIANTS = {
  streaming: { label: '@streaming/nest', server: 'streaming', client: 'streaming' },
  protobuf: { label: 'ours, protobuf', server: 'streaming', client: 'protobuf' },
  deflate: { label: 'ours, deflate', server: 'streaming', client: 'streaming', config: { compression: true }, deflate: true },
  ws: { label: 'raw ws', server: 'ws', client: 'ws' },
  socketio: { label: 'Socket.IO', server: 'socketio', client: 'socketio' },
};

const unknown = knobs.variants.filter((v) => !(v in VARIANTS));
if (unknown.length > 0) throw new Error(`BENCH_SERVERS: unknown ${unknown.join(', ')} (known: ${Object.keys(VARIANTS).join(', ')})`);

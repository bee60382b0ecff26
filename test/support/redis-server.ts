import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A port nobody listens on now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** How a server runs: its arguments after port, address and directory, and a config file for what takes one (Sentinel). */
export interface RedisServerSetup {
  args?: string[];
  /** Written to `redis.conf` in the server's directory, passed first: Sentinel rewrites its own. */
  config?: string;
}

/** Persistence written through (`appendfsync always`): what Redis acknowledged survives a kill. */
const PERSISTENT = ['--appendonly', 'yes', '--appendfsync', 'always', '--save', ''];

/**
 * A `redis-server` of the test's own, on a free port, in a temporary directory, that can be killed
 * and started again on the same port with its data: by default the append-only file is written
 * through, so what Redis acknowledged survives the kill, as on a production Redis with persistence.
 * Cluster nodes and sentinels are servers with other arguments (redis-cluster.ts, redis-sentinel.ts).
 */
export class RedisServer {
  private process?: ChildProcess;
  private readonly dir = mkdtempSync(join(tmpdir(), 'streaming-redis-'));

  private constructor(
    readonly port: number,
    private readonly setup: RedisServerSetup,
  ) {
    if (setup.config !== undefined) writeFileSync(join(this.dir, 'redis.conf'), setup.config);
  }

  static async start(setup: RedisServerSetup = { args: PERSISTENT }): Promise<RedisServer> {
    const server = new RedisServer(await freePort(), setup);
    await server.restart();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts the server (again); resolves once it accepts connections. */
  async restart(): Promise<void> {
    const config = this.setup.config === undefined ? [] : [join(this.dir, 'redis.conf')];
    const args = [...config, '--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, ...(this.setup.args ?? [])];
    const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'inherit'] });
    this.process = child;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('redis-server did not start in 10 s')), 10_000);
      let out = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        // A sentinel says nothing of connections; it is listening once it monitors its master.
        if (/Ready to accept connections|\+monitor master/.test(out)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(new Error(`redis-server could not start (is it on the PATH?): ${err.message}`));
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited with ${code}: ${out}`));
      });
    });
  }

  /** SIGKILL: no shutdown of any kind. */
  async kill(): Promise<void> {
    const child = this.process;
    // A killed process has a signal code and no exit code: killed twice, it would never exit again.
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

// Child processes spoken to over IPC: one request, one answer of the expected type.
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * Node raises its soft open-file limit to the hard one at start-up, but cannot raise the hard one.
 * A child that needs more descriptors (`nofile`) is started through `sh -c 'ulimit -n N; exec node'`,
 * which succeeds where the process may raise it (root with CAP_SYS_RESOURCE) and is ignored elsewhere;
 * the child reports what it got (`openFileLimit`).
 */
function withFileLimit(nofile, execArgv) {
  if (!nofile) return { execArgv };
  const script = `ulimit -n ${Math.ceil(nofile)} 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$@"`;
  return { execPath: '/bin/sh', execArgv: ['-c', script, 'sh', process.execPath, ...execArgv] };
}

/** This process's open-file limit (soft), from /proc on Linux; Infinity elsewhere or when unlimited. */
export function openFileLimit() {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
    const soft = Number(line?.split(/\s{2,}/)[1]);
    return Number.isFinite(soft) ? soft : Infinity;
  } catch {
    return Infinity;
  }
}

export class Child {
  /** `options.nofile`: open files the child will need. Messages use structured clone (typed arrays pass whole). */
  constructor(script, args = [], execArgv = [], options = {}) {
    this.process = fork(script, args, {
      ...withFileLimit(options.nofile, execArgv),
      env: { ...process.env, ...options.env },
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.exited = new Promise((resolve) => this.process.once('exit', resolve));
  }

  /** The next message of `type`, or a rejection if the child dies or `ms` pass first. */
  next(type, ms = 120_000) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => done(new Error(`no ${type} from ${this.process.spawnargs.join(' ')} in ${ms} ms`)), ms);
      const onMessage = (message) => message.type === type && done(null, message);
      const onExit = (code) => done(new Error(`${this.process.spawnargs.join(' ')} exited with ${code} before ${type}`));
      const done = (err, message) => {
        clearTimeout(timer);
        this.process.off('message', onMessage);
        this.process.off('exit', onExit);
        if (err) reject(err);
        else resolve(message);
      };
      this.process.on('message', onMessage);
      this.process.once('exit', onExit);
    });
  }

  request(message, answerType, ms) {
    const answer = this.next(answerType, ms);
    this.process.send(message);
    return answer;
  }

  /** Asks the child to exit, and kills it if it has not within a few seconds. */
  async stop() {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    if (this.process.connected) this.process.send({ type: 'exit' });
    const timer = setTimeout(() => this.process.kill('SIGKILL'), 5000);
    await this.exited;
    clearTimeout(timer);
  }
}

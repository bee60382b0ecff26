// Child processes spoken to over IPC: one request, one answer of the expected type.
import { fork } from 'node:child_process';

export class Child {
  constructor(script, args = [], execArgv = []) {
    this.process = fork(script, args, { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
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

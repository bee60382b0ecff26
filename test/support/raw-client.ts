import WebSocket from 'ws';

/** A bare WebSocket speaking the JSON protocol by hand, for inputs no SDK would send. */
export class RawClient {
  readonly messages: any[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: Array<() => void> = [];
  private isClosed = false;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      for (const line of data.toString().split('\n')) {
        if (line) this.messages.push(JSON.parse(line));
      }
      for (const w of this.waiters.splice(0)) w();
    });
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => {
        this.isClosed = true;
        for (const w of this.waiters.splice(0)) w();
        resolve({ code, reason: reason.toString() });
      }),
    );
  }

  static async open(url: string): Promise<RawClient> {
    const ws = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new RawClient(ws);
  }

  /** Connected (anonymously) and subscribed with `subscribe`. */
  static async subscriber(url: string, subscribe: { channel: string } & Record<string, unknown>): Promise<RawClient> {
    const raw = await RawClient.open(url);
    raw.command({ id: 1, connect: {} });
    raw.command({ id: 2, subscribe });
    await raw.reply(2);
    return raw;
  }

  /** Opens a socket and connects with `token` (command 1); resolves once the server accepted it. */
  static async connected(url: string, token: string): Promise<RawClient> {
    const c = await RawClient.open(url);
    c.command({ id: 1, connect: { token } });
    await c.reply(1);
    return c;
  }

  send(frame: string | Buffer): void {
    this.ws.send(frame);
  }

  command(cmd: object): void {
    this.send(JSON.stringify(cmd));
  }

  /** Waits for the reply to command `id`. */
  async reply(id: number, ms = 3000): Promise<any> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.messages.find((m) => m.id === id);
      if (found) return found;
      if (this.isClosed) throw new Error(`socket closed without a reply to command ${id}`);
      if (Date.now() > deadline) throw new Error(`no reply to command ${id}; got ${JSON.stringify(this.messages)}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  /** Waits for a message matching `predicate`. */
  async waitFor(predicate: (m: any) => boolean, ms = 3000): Promise<any> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.messages.find(predicate);
      if (found) return found;
      if (this.isClosed) throw new Error('socket closed without a matching message');
      if (Date.now() > deadline) throw new Error(`no matching message; got ${JSON.stringify(this.messages)}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  async closeCode(ms = 3000): Promise<number> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('socket was not closed')), ms);
    });
    try {
      return (await Promise.race([this.closed, timeout])).code;
    } finally {
      clearTimeout(timer);
    }
  }

  close(): void {
    this.ws.close();
  }
}

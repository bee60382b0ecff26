import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  /** The raw body, as the signature covers it. */
  body: string;
  at: number;
}

/** How the receiver answers the n-th request (from 1) to a path: a status, or `hang` to never answer. */
export type Responder = (path: string, n: number) => number | 'hang';

/** A real HTTP server on 127.0.0.1 that records what it is sent and answers as told (failing on purpose). */
export class HttpReceiver {
  readonly requests: ReceivedRequest[] = [];
  respond: Responder = () => 200;
  /** Requests left hanging whose sender closed the connection before an answer. */
  abandoned = 0;
  private readonly hanging: ServerResponse[] = [];
  private readonly server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url ?? '';
      this.requests.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
      const answer = this.respond(path, this.requests.filter((r) => r.path === path).length);
      if (answer === 'hang') {
        this.hanging.push(res);
        res.on('close', () => {
          if (!res.writableEnded) this.abandoned++;
        });
      }
      else res.writeHead(answer).end();
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  to(path: string): ReceivedRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  /** Answers the requests left hanging. */
  release(status = 200): void {
    for (const res of this.hanging.splice(0)) res.writeHead(status).end();
  }

  async close(): Promise<void> {
    this.release();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

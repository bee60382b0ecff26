import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

/**
 * A TCP proxy in front of a server, for faults a test must time exactly: `cut()` drops every
 * connection and refuses new ones until `resume()`, while the server behind it runs on for others.
 */
export class TcpProxy {
  private readonly sockets = new Set<Socket>();
  private held = false;
  private readonly server = createServer((downstream) => this.pass(downstream));

  private constructor(private readonly target: { port: number; host: string }) {}

  static async start(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
    const proxy = new TcpProxy({ port: targetPort, host: targetHost });
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get url(): string {
    return `redis://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Drops every connection through the proxy and refuses new ones. */
  cut(): void {
    this.held = true;
    for (const socket of this.sockets) socket.destroy();
  }

  /** Lets connections through again. */
  resume(): void {
    this.held = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private pass(downstream: Socket): void {
    if (this.held) {
      downstream.destroy();
      return;
    }
    const upstream = connect(this.target.port, this.target.host);
    for (const [socket, other] of [
      [downstream, upstream],
      [upstream, downstream],
    ] as const) {
      this.sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => {
        this.sockets.delete(socket);
        other.destroy();
      });
    }
    downstream.pipe(upstream).pipe(downstream);
  }
}

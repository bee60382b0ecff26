import type { Centrifuge, PublicationContext, Subscription, SubscriptionOptions } from 'centrifuge';
import WebSocket from 'ws';
import { StreamingTestError } from './streaming-test-error.js';
import { testingPeers } from './testing-peers.js';

/** How a test client connects. */
export interface TestClientOptions {
  /** The connection token; none connects anonymously. */
  token?: string;
  /** `data` of the connect command, for an `Authenticator` or `@OnConnect` handlers that read it. */
  data?: unknown;
  /** Headers of the WebSocket upgrade request (cookies, `X-Forwarded-For`, a user agent). */
  headers?: Record<string, string>;
  /** Milliseconds every wait of this client gives up after. Default 2000: below test runners' own 5000, so a miss reports what was awaited. */
  timeout?: number;
}

/** A publication as a test sees it: the channel with the SDK's publication context. */
export type TestPublication = PublicationContext;

interface Waiter {
  channel?: string;
  resolve: (publication: TestPublication) => void;
}

/**
 * A client of the streaming endpoint for tests: the official `centrifuge` SDK over `ws`, with
 * promise-returning calls, publications queued per arrival until a test takes them, and protocol
 * errors as `StreamingTestError` with the code.
 */
export class StreamingTestClient {
  /** The SDK client underneath, for what this class does not wrap. */
  readonly sdk: Centrifuge;
  private clientId = '';
  private readonly timeout: number;
  private readonly publications: TestPublication[] = [];
  private readonly waiters: Waiter[] = [];
  /** How the server closed the connection, once it did: what later calls fail with. */
  private closedBy?: StreamingTestError;

  private constructor(SdkClient: typeof Centrifuge, url: string, options: TestClientOptions) {
    this.timeout = options.timeout ?? 2000;
    const { headers } = options;
    this.sdk = new SdkClient(url, {
      websocket: headers ? withHeaders(headers) : WebSocket,
      token: options.token,
      data: options.data,
      timeout: this.timeout,
      minReconnectDelay: 50,
      maxReconnectDelay: 200,
    });
    this.sdk.on('connected', (ctx) => {
      this.clientId = ctx.client;
      this.closedBy = undefined;
    });
    this.sdk.on('disconnected', (ctx) => (this.closedBy = StreamingTestError.from(ctx)));
    // Server-side subscriptions (token `channels`/`subs`) deliver on the client itself.
    this.sdk.on('publication', (ctx) => this.arrived(ctx as TestPublication));
  }

  /** Connects to `url`; rejects with the code when the server refuses (an error reply or a disconnect). */
  static async connect(url: string, options: TestClientOptions = {}): Promise<StreamingTestClient> {
    const client = new StreamingTestClient((await testingPeers()).Centrifuge, url, options);
    const connected = client.wait<unknown>('connected', (resolve, reject) => {
      const onDisconnected = (ctx: unknown) => reject(StreamingTestError.from(ctx));
      client.sdk.on('connected', resolve).on('disconnected', onDisconnected);
      return () => client.sdk.off('connected', resolve).off('disconnected', onDisconnected);
    });
    client.sdk.connect();
    try {
      await connected;
    } catch (err) {
      client.sdk.disconnect();
      throw err;
    }
    return client;
  }

  /** The connection's client id (`ClientInfo.id` on the server). */
  get id(): string {
    return this.clientId;
  }

  /** Subscribes; resolves once subscribed, rejects with the code of a refusal. */
  async subscribe(channel: string, options: Partial<SubscriptionOptions> = {}): Promise<Subscription> {
    if (this.sdk.getSubscription(channel)) {
      throw new Error(`StreamingTestClient: already subscribed to ${channel} (unsubscribe first, or use the Subscription subscribe returned)`);
    }
    const sub = this.sdk.newSubscription(channel, options);
    sub.on('publication', (ctx) => this.arrived(ctx));
    const subscribed = this.wait<unknown>(`subscribed to ${channel}`, (resolve, reject) => {
      const onRefused = (ctx: unknown) => reject(StreamingTestError.from(ctx));
      sub.on('subscribed', resolve).on('unsubscribed', onRefused);
      this.sdk.on('disconnected', onRefused);
      return () => {
        sub.off('subscribed', resolve).off('unsubscribed', onRefused);
        this.sdk.off('disconnected', onRefused);
      };
    });
    sub.subscribe();
    try {
      await subscribed;
    } catch (err) {
      this.sdk.removeSubscription(sub);
      throw err;
    }
    return sub;
  }

  /** Leaves a channel subscribed with `subscribe`. */
  unsubscribe(channel: string): void {
    const sub = this.sdk.getSubscription(channel);
    if (sub) this.sdk.removeSubscription(sub);
  }

  /** Publishes from this client: the server's permissions and `@OnPublish` handlers apply. */
  async publish(channel: string, data: unknown): Promise<void> {
    await this.call(this.sdk.publish(channel, data));
  }

  /** Calls an `@OnRpc` method; resolves with the data it returned. */
  async rpc<T = unknown>(method: string, data: unknown = {}): Promise<T> {
    return (await this.call(this.sdk.rpc(method, data))).data as T;
  }

  /** Sends an asynchronous message to the `@OnMessage` handlers; nothing comes back. */
  async send(data: unknown): Promise<void> {
    await this.call(this.sdk.send(data));
  }

  /**
   * The next publication this client received, in `channel` if given, that no earlier call took;
   * waits for it when none is queued.
   */
  nextPublication(channel?: string): Promise<TestPublication> {
    const index = this.publications.findIndex((p) => channel === undefined || p.channel === channel);
    if (index >= 0) return Promise.resolve(this.publications.splice(index, 1)[0]!);
    return this.wait(`a publication${channel ? ` in ${channel}` : ''}`, (resolve) => {
      const waiter: Waiter = { channel, resolve };
      this.waiters.push(waiter);
      return () => {
        const at = this.waiters.indexOf(waiter);
        if (at >= 0) this.waiters.splice(at, 1);
      };
    });
  }

  /**
   * Resolves with the error when `action` fails with `code`: an error reply (100-1999) or the
   * connection closed with that disconnect code (3000-4999); rejects when it succeeds or fails otherwise.
   */
  async expectError(code: number, action: Promise<unknown> | (() => Promise<unknown>)): Promise<StreamingTestError> {
    // Through a promise, so that an action throwing before it returns counts as failing too.
    const running = typeof action === 'function' ? Promise.resolve().then(action) : action;
    const outcome = this.wait<unknown>(`error ${code}`, (resolve, reject) => {
      const onDisconnected = (ctx: unknown) => reject(StreamingTestError.from(ctx));
      this.sdk.on('disconnected', onDisconnected);
      running.then(resolve, reject);
      return () => this.sdk.off('disconnected', onDisconnected);
    });
    let error: StreamingTestError;
    try {
      await outcome;
    } catch (err) {
      error = StreamingTestError.from(err);
      if (error.code === code) return error;
      throw new Error(`expected error ${code}, got ${error.message}`, { cause: error });
    }
    throw new Error(`expected error ${code}, but it succeeded`);
  }

  /** Disconnects; the SDK does not reconnect. */
  disconnect(): void {
    this.sdk.disconnect();
  }

  private arrived(publication: TestPublication): void {
    const index = this.waiters.findIndex((w) => w.channel === undefined || w.channel === publication.channel);
    if (index >= 0) this.waiters.splice(index, 1)[0]!.resolve(publication);
    else this.publications.push(publication);
  }

  private async call<T>(promise: Promise<T>): Promise<T> {
    try {
      return await promise;
    } catch (err) {
      const error = StreamingTestError.from(err);
      // The SDK's own codes (below 100) say only "connection closed": the server's disconnect code says why.
      throw error.code < 100 && this.closedBy ? this.closedBy : error;
    }
  }

  /**
   * A promise settled by the listeners `setup` registers, or rejected naming `what` once the
   * client's timeout passed; the cleanup `setup` returns runs either way.
   */
  private wait<T>(what: string, setup: (resolve: (value: T) => void, reject: (err: unknown) => void) => () => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => settle(() => reject(new Error(`timed out after ${this.timeout} ms waiting for ${what}`))), this.timeout);
      const settle = (finish: () => void) => {
        clearTimeout(timer);
        cleanup();
        finish();
      };
      const cleanup = setup(
        (value) => settle(() => resolve(value)),
        (err) => settle(() => reject(err)),
      );
    });
  }
}

/** A `ws` WebSocket class that sends `headers` with the upgrade request, for the SDK to construct. */
function withHeaders(headers: Record<string, string>): new (address: string, protocols?: string | string[]) => WebSocket {
  return class extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols, { headers });
    }
  };
}

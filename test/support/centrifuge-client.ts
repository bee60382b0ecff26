import { Centrifuge, type Options, type Subscription, type SubscriptionOptions } from 'centrifuge';
import { Centrifuge as ProtobufCentrifuge, type Subscription as ProtobufSubscription } from 'centrifuge/build/protobuf';
import WebSocket from 'ws';
import { connectionToken } from './tokens.js';

/**
 * How long the SDK waits for a reply before it gives up on the command (a connect: reconnects).
 * Under CI's extra CPU load a connect took over 3 s; a reply that never comes still fails the
 * test at the `once`/`collect` deadline.
 */
const SDK_TIMEOUT_MS = 8000;
/** Waits for an event before a test fails on it: far above a loaded machine's slowest answer, under jest's 20 s. */
const EVENT_MS = 10_000;

/** The unmodified official SDK, with `ws` as its WebSocket and quick reconnects for tests. */
export function sdkClient(url: string, options: Partial<Options> = {}): Centrifuge {
  return new Centrifuge(url, {
    websocket: WebSocket,
    minReconnectDelay: 50,
    maxReconnectDelay: 200,
    timeout: SDK_TIMEOUT_MS,
    ...options,
  });
}

/** The SDK's protobuf build (`centrifuge-protobuf` subprotocol), with the same test settings. */
export function protobufSdkClient(url: string, options: Partial<Options> = {}): ProtobufCentrifuge {
  return new ProtobufCentrifuge(url, {
    websocket: WebSocket,
    minReconnectDelay: 50,
    maxReconnectDelay: 200,
    timeout: SDK_TIMEOUT_MS,
    ...options,
  });
}

/** Resolves with the first emission of `event`, or rejects after `ms`. */
export function once<T = any>(emitter: { once(event: string, fn: (arg: T) => void): unknown }, event: string, ms = EVENT_MS): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${event}`)), ms);
    emitter.once(event, (arg: T) => {
      clearTimeout(timer);
      resolve(arg);
    });
  });
}

/** Collects emissions of `event` until `count` arrived. */
export function collect<T = any>(emitter: { on(event: string, fn: (arg: T) => void): unknown }, event: string, count: number, ms = EVENT_MS): Promise<T[]> {
  const items: T[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`got ${items.length}/${count} ${event} events`)), ms);
    emitter.on(event, (arg: T) => {
      items.push(arg);
      if (items.length === count) {
        clearTimeout(timer);
        resolve(items);
      }
    });
  });
}

/** Connects the client: resolves with `connected`, or with the code of the disconnect that came instead. */
export function connectOutcome(client: Centrifuge): Promise<'connected' | number> {
  const result = new Promise<'connected' | number>((resolve) => {
    client.once('connected', () => resolve('connected'));
    client.once('disconnected', (ctx) => resolve(ctx.code));
  });
  client.connect();
  return result;
}

/** Connects the client and resolves once it is connected. */
export async function connectedClient<C extends Centrifuge | ProtobufCentrifuge>(client: C): Promise<C> {
  const ready = once(client, 'connected');
  client.connect();
  await ready;
  return client;
}

/** A new subscription, resolved once subscribed. */
export async function subscribed(client: Centrifuge, channel: string, options?: Partial<SubscriptionOptions>): Promise<Subscription>;
export async function subscribed(client: ProtobufCentrifuge, channel: string, options?: Partial<SubscriptionOptions>): Promise<ProtobufSubscription>;
export async function subscribed(client: Centrifuge | ProtobufCentrifuge, channel: string, options: Partial<SubscriptionOptions> = {}) {
  const sub = client.newSubscription(channel, options);
  const ready = once(sub, 'subscribed');
  sub.subscribe();
  await ready;
  return sub;
}

/** Subscribes expecting a terminal refusal (the SDK's `unsubscribed`), resolves with its code and forgets the subscription. */
export async function refusedCode(client: Centrifuge, channel: string, options: Partial<SubscriptionOptions> = {}): Promise<number> {
  const sub = client.newSubscription(channel, options);
  const refused = once<{ code: number }>(sub, 'unsubscribed');
  sub.subscribe();
  const { code } = await refused;
  client.removeSubscription(sub);
  return code;
}

/** SDK clients connected as users with test tokens (`claims` besides `sub`), to disconnect after each test. */
export function userClients(url: () => string) {
  const clients: Centrifuge[] = [];
  return {
    async connect(user: string, claims: Record<string, unknown> = {}): Promise<Centrifuge> {
      const client = sdkClient(url(), { token: await connectionToken(user, claims) });
      clients.push(client);
      return connectedClient(client);
    },
    disconnectAll(): void {
      for (const client of clients.splice(0)) client.disconnect();
    },
  };
}

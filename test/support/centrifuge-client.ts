import { Centrifuge, type Options } from 'centrifuge';
import WebSocket from 'ws';

/** The unmodified official SDK, with `ws` as its WebSocket and quick reconnects for tests. */
export function sdkClient(url: string, options: Partial<Options> = {}): Centrifuge {
  return new Centrifuge(url, {
    websocket: WebSocket,
    minReconnectDelay: 50,
    maxReconnectDelay: 200,
    timeout: 3000,
    ...options,
  });
}

/** Resolves with the first emission of `event`, or rejects after `ms`. */
export function once<T = any>(emitter: { once(event: string, fn: (arg: T) => void): unknown }, event: string, ms = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${event}`)), ms);
    emitter.once(event, (arg: T) => {
      clearTimeout(timer);
      resolve(arg);
    });
  });
}

/** Collects emissions of `event` until `count` arrived. */
export function collect<T = any>(emitter: { on(event: string, fn: (arg: T) => void): unknown }, event: string, count: number, ms = 5000): Promise<T[]> {
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

import type { Backend } from '../backends/backend.interface.js';

export interface BackendTimer {
  /** An operation (`broker.publish`, `presence.add`...) settled after `seconds`, failed or not. */
  done(operation: string, seconds: number, failed: boolean): void;
}

/** The store with each of its promise-returning methods timed; one wrapper per method, made once. */
function metered<T extends object>(store: T, part: string, timer: BackendTimer): T {
  // Keyed by the function, not the name: a method replaced on the store gets its own wrapper.
  const wrappers = new WeakMap<object, unknown>();
  return new Proxy(store, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      let wrapper = wrappers.get(value);
      if (!wrapper) {
        const operation = `${part}.${property}`;
        wrapper = (...args: unknown[]): unknown => {
          const started = performance.now();
          const result: unknown = Reflect.apply(value as (...a: unknown[]) => unknown, target, args);
          if (!(result instanceof Promise)) return result;
          const settle = (failed: boolean) => timer.done(operation, (performance.now() - started) / 1000, failed);
          result.then(
            () => settle(false),
            () => settle(true),
          );
          return result;
        };
        wrappers.set(value, wrapper);
      }
      return wrapper;
    },
  });
}

/** The backend with the engine's stores' operations and its ping timed; the chat stores as they are. */
export function meteredBackend(backend: Backend, timer: BackendTimer): Backend {
  return {
    ...backend,
    broker: metered(backend.broker, 'broker', timer),
    history: metered(backend.history, 'history', timer),
    presence: metered(backend.presence, 'presence', timer),
    limits: backend.limits && metered(backend.limits, 'limits', timer),
    idempotency: backend.idempotency && metered(backend.idempotency, 'idempotency', timer),
    ping: metered(backend, 'backend', timer).ping,
  };
}

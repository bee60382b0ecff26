import type { IncomingHttpHeaders } from 'node:http';

// Headers whose values repeat from one client to the next. A connection keeps its upgrade
// request's headers for its whole life (`ClientInfo.headers`), each value a string of its own from
// the HTTP parser: a browser's user agent alone is over 100 bytes per connection.
const REPEATING = new Set([
  'host',
  'connection',
  'upgrade',
  'origin',
  'user-agent',
  'accept-encoding',
  'accept-language',
  'cache-control',
  'pragma',
  'sec-websocket-version',
  'sec-websocket-extensions',
  'sec-websocket-protocol',
]);
// Bounds on what is kept: a client cannot grow the table past a few hundred kilobytes.
const MAX_VALUES = 1024;
const MAX_VALUE_LENGTH = 512;

/** Copies of request headers whose repeating values are shared by every connection that sent them. */
export class SharedHeaderValues {
  private readonly values = new Map<string, string>();

  /** The same names and values in the same order; the values of repeating headers are shared strings. */
  keep(headers: IncomingHttpHeaders): IncomingHttpHeaders {
    const kept: IncomingHttpHeaders = {};
    for (const name of Object.keys(headers)) {
      const value = headers[name];
      kept[name] = typeof value === 'string' && REPEATING.has(name) ? this.share(value) : value;
    }
    return kept;
  }

  private share(value: string): string {
    if (value.length > MAX_VALUE_LENGTH) return value;
    const known = this.values.get(value);
    if (known !== undefined) return known;
    // Full: start over rather than track use; the values in use come back with the next connections.
    if (this.values.size >= MAX_VALUES) this.values.clear();
    this.values.set(value, value);
    return value;
  }

  get size(): number {
    return this.values.size;
  }
}

import { checkNumber, isRecord } from './option-checks.js';
import { StreamingOptionsError } from './streaming-options-error.js';
import type { FallbackTransportOption, TransportsOptions } from './streaming-options.interface.js';

export type FallbackTransportName = 'uniSse' | 'uniHttpStream' | 'uniWebsocket' | 'httpStream' | 'sse';

export interface ResolvedTransportsOptions {
  /** Path of each enabled transport; a transport that is off has none. */
  paths: Partial<Record<FallbackTransportName, string>>;
  /** Undefined unless `httpStream` or `sse` is on. */
  emulationPath?: string;
  maxRequestBodySize: number;
}

const defaultPaths: Record<FallbackTransportName, string> = {
  uniSse: '/connection/uni_sse',
  uniHttpStream: '/connection/uni_http_stream',
  uniWebsocket: '/connection/uni_websocket',
  httpStream: '/connection/http_stream',
  sse: '/connection/sse',
};

const KEYS = new Set<string>([...Object.keys(defaultPaths), 'emulationPath', 'maxRequestBodySize']);

function checkPath(field: string, path: unknown): asserts path is string {
  if (typeof path !== 'string' || !path.startsWith('/') || /[?#\s]/.test(path)) {
    throw new StreamingOptionsError(field, `must be a path starting with '/' without '?', '#' or spaces, got ${JSON.stringify(path)}`);
  }
}

function resolvePath(name: FallbackTransportName, value: FallbackTransportOption | undefined): string | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return defaultPaths[name];
  if (!isRecord(value)) throw new StreamingOptionsError(`transports.${name}`, 'must be a boolean or { path }');
  for (const key of Object.keys(value)) {
    if (key !== 'path') throw new StreamingOptionsError(`transports.${name}.${key}`, `is not an option of transports.${name}`);
  }
  const path = value.path ?? defaultPaths[name];
  checkPath(`transports.${name}.path`, path);
  return path;
}

/** Every path must be distinct from the others, the WebSocket endpoint's and the API's. */
export function resolveTransportsOptions(value: TransportsOptions | undefined, taken: Record<string, string | undefined>): ResolvedTransportsOptions {
  const options: TransportsOptions = value ?? {};
  if (!isRecord(options as unknown)) throw new StreamingOptionsError('transports', 'must be an object');
  for (const key of Object.keys(options)) {
    if (!KEYS.has(key)) throw new StreamingOptionsError(`transports.${key}`, 'is not a transports option');
  }
  const paths: ResolvedTransportsOptions['paths'] = {};
  for (const name of Object.keys(defaultPaths) as FallbackTransportName[]) {
    const path = resolvePath(name, options[name]);
    if (path !== undefined) paths[name] = path;
  }
  let emulationPath: string | undefined;
  if (paths.httpStream !== undefined || paths.sse !== undefined) {
    emulationPath = options.emulationPath ?? '/emulation';
    checkPath('transports.emulationPath', emulationPath);
  } else if (options.emulationPath !== undefined) {
    throw new StreamingOptionsError('transports.emulationPath', 'is used only by transports.httpStream and transports.sse; enable one of them');
  }
  const owners = new Map<string, string>(Object.entries(taken).flatMap(([field, path]) => (path === undefined ? [] : [[path, field]])));
  const own: Array<[string, string]> = Object.entries(paths).map(([name, path]) => [`transports.${name}.path`, path]);
  if (emulationPath !== undefined) own.push(['transports.emulationPath', emulationPath]);
  for (const [field, path] of own) {
    const owner = owners.get(path);
    if (owner !== undefined) throw new StreamingOptionsError(field, `${path} is already the path of ${owner}`);
    owners.set(path, field);
  }
  const maxRequestBodySize = options.maxRequestBodySize ?? 64 * 1024;
  checkNumber('transports.maxRequestBodySize', maxRequestBodySize, 64);
  return { paths, emulationPath, maxRequestBodySize };
}

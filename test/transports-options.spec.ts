import type { StreamingModuleOptions } from '../lib/index.js';
import { resolveOptions } from '../lib/options/resolve-options.js';
import { StreamingOptionsError } from '../lib/options/streaming-options-error.js';

describe('transports options', () => {
  it.each<[string, StreamingModuleOptions['transports'] | object, RegExp]>([
    ['an unknown transport', { longPolling: true }, /transports\.longPolling is not a transports option/],
    ['a transport that is neither a boolean nor an object', { uniSse: 'yes' }, /transports\.uniSse must be a boolean or \{ path \}/],
    ['an unknown option of a transport', { sse: { url: '/x' } }, /transports\.sse\.url is not an option of transports\.sse/],
    ['a path without a leading slash', { uniSse: { path: 'sse' } }, /transports\.uniSse\.path must be a path starting with '\/'/],
    ['a path holding a query', { httpStream: { path: '/stream?x=1' } }, /transports\.httpStream\.path must be a path/],
    ['the WebSocket endpoint path', { uniWebsocket: { path: '/connection/websocket' } }, /transports\.uniWebsocket\.path \/connection\/websocket is already the path of websocket\.path/],
    ['two transports on one path', { uniSse: { path: '/s' }, sse: { path: '/s' } }, /transports\.sse\.path \/s is already the path of transports\.uniSse\.path/],
    ['an emulation path without an emulation transport', { uniSse: true, emulationPath: '/emu' }, /transports\.emulationPath is used only by transports\.httpStream and transports\.sse/],
    ['a tiny body limit', { uniSse: true, maxRequestBodySize: 1 }, /transports\.maxRequestBodySize must be a number >= 64/],
  ])('refuses %s, naming the field', (_name, transports, message) => {
    const options = { transports } as StreamingModuleOptions;
    expect(() => resolveOptions(options)).toThrow(StreamingOptionsError);
    expect(() => resolveOptions(options)).toThrow(message);
  });

  it('refuses a transport on the API path', () => {
    expect(() => resolveOptions({ api: { key: 'k' }, transports: { uniSse: { path: '/api' } } })).toThrow(/transports\.uniSse\.path \/api is already the path of api\.path/);
  });

  it('serves nothing by default, and default paths for what is on', () => {
    expect(resolveOptions({}).transports).toEqual({ paths: {}, emulationPath: undefined, maxRequestBodySize: 65536 });
    expect(resolveOptions({ transports: { uniSse: true, sse: true, httpStream: false, uniWebsocket: { path: '/uni' } } }).transports).toEqual({
      paths: { uniSse: '/connection/uni_sse', sse: '/connection/sse', uniWebsocket: '/uni' },
      emulationPath: '/emulation',
      maxRequestBodySize: 65536,
    });
  });
});

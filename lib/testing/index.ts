export { StreamingTestServer } from './streaming-test-server.js';
export type { TestConnectOptions, TestServerOptions } from './streaming-test-server.js';
export { StreamingTestClient } from './streaming-test-client.js';
export type { TestClientOptions, TestPublication } from './streaming-test-client.js';
export { StreamingTestError } from './streaming-test-error.js';

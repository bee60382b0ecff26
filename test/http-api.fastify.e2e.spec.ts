import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { Centrifuge } from 'centrifuge';
import type { StreamingModuleOptions } from '../lib/index.js';
import { startApp, type TestApp } from './support/app.js';
import { connectedClient, once, sdkClient, subscribed } from './support/centrifuge-client.js';
import { connectionToken, TEST_SECRET } from './support/tokens.js';

const KEY = 'fastify-api-key';
const options: StreamingModuleOptions = {
  auth: { jwt: { secret: TEST_SECRET } },
  namespaces: { chat: { historySize: 10, historyTtl: 60 } },
  api: { key: KEY, path: '/streaming/api', maxBodySize: 1024 },
};

function post(url: string, body: string, key = KEY) {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body });
}

describe('server HTTP API on the Fastify adapter', () => {
  let server: TestApp;
  let client: Centrifuge | undefined;

  beforeAll(async () => {
    server = await startApp(options, [], undefined, { httpAdapter: new FastifyAdapter() });
  });
  afterEach(() => client?.disconnect());
  afterAll(() => server.close());

  it('publishes to an SDK subscriber through both request forms, at the configured path', async () => {
    client = await connectedClient(sdkClient(server.wsUrl, { token: await connectionToken('ann') }));
    const sub = await subscribed(client, 'chat:f');
    const first = once<any>(sub, 'publication');
    const reply = await post(`${server.httpUrl}/streaming/api/publish`, JSON.stringify({ channel: 'chat:f', data: 'one' }));
    expect(reply.status).toBe(200);
    expect(await reply.json()).toEqual({ result: { offset: 1, epoch: expect.any(String) } });
    expect((await first).data).toBe('one');

    const second = once<any>(sub, 'publication');
    const legacy = await post(`${server.httpUrl}/streaming/api`, JSON.stringify({ method: 'publish', params: { channel: 'chat:f', data: 'two' } }));
    expect(JSON.parse(await legacy.text())).toEqual({ result: { offset: 2, epoch: expect.any(String) } });
    expect((await second).data).toBe('two');
  });

  it('refuses a wrong key with 401 and a body over the limit with 413, and leaves other routes to Fastify', async () => {
    expect((await post(`${server.httpUrl}/streaming/api/info`, '{}', 'wrong')).status).toBe(401);
    expect((await post(`${server.httpUrl}/streaming/api/publish`, JSON.stringify({ channel: 'chat:f', data: 'x'.repeat(2000) }))).status).toBe(413);
    const other = await fetch(`${server.httpUrl}/api/info`, { method: 'POST' });
    expect(other.status).toBe(404);
    expect(await other.json()).toMatchObject({ statusCode: 404 });
  });
});

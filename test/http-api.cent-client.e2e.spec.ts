import { CentClient, CentException } from 'cent.js';
import type { Centrifuge } from 'centrifuge';
import type { StreamingModuleOptions } from '../lib/index.js';
import { startApp, type TestApp } from './support/app.js';
import { collect, connectedClient, once, sdkClient, subscribed } from './support/centrifuge-client.js';
import { connectionToken, TEST_SECRET } from './support/tokens.js';

const KEY = 'cent-client-key';
const options: StreamingModuleOptions = {
  auth: { jwt: { secret: TEST_SECRET } },
  namespaces: { chat: { presence: true, historySize: 10, historyTtl: 60 } },
  api: { key: KEY },
};

// cent.js, a published Centrifugo HTTP API client, used as it is: what "existing clients work unmodified" means.
describe('a Centrifugo API client (cent.js) against the server', () => {
  let server: TestApp;
  let cent: CentClient;
  let client: Centrifuge | undefined;

  beforeAll(async () => {
    server = await startApp(options);
    cent = new CentClient({ url: `${server.httpUrl}/api`, apiKey: KEY });
  });
  afterEach(() => client?.disconnect());
  afterAll(() => server.close());

  it('publishes to an SDK subscriber and reads presence, history, channels and info', async () => {
    client = await connectedClient(sdkClient(server.wsUrl, { token: await connectionToken('ann') }));
    const sub = await subscribed(client, 'chat:cent');
    const got = once<any>(sub, 'publication');
    expect(await cent.publish({ channel: 'chat:cent', data: { text: 'from cent' } })).toEqual({ offset: 1, epoch: expect.any(String) });
    expect((await got).data).toEqual({ text: 'from cent' });
    expect(await cent.getPresenceStats({ channel: 'chat:cent' })).toEqual({ num_clients: 1, num_users: 1 });
    expect((await cent.getHistory({ channel: 'chat:cent', limit: -1 } as never)).publications).toHaveLength(1);
    expect(await cent.getChannels({ pattern: 'chat:*' } as never)).toEqual({ channels: { 'chat:cent': { num_clients: 1 } } });
    expect((await cent.getInfo()).nodes).toHaveLength(1);
  });

  it('sends a pipeline through the newline-delimited form', async () => {
    client = await connectedClient(sdkClient(server.wsUrl, { token: await connectionToken('bob') }));
    const sub = await subscribed(client, 'chat:pipe');
    const got = collect<any>(sub, 'publication', 2);
    const results = await cent.pipeline([
      { method: 'publish', params: { channel: 'chat:pipe', data: { n: 1 } } },
      { method: 'publish', params: { channel: 'chat:pipe', data: { n: 2 } } },
      { method: 'presence_stats', params: { channel: 'chat:pipe' } },
    ] as never);
    expect(results).toEqual([{ offset: 1, epoch: expect.any(String) }, { offset: 2, epoch: expect.any(String) }, { num_clients: 1, num_users: 1 }]);
    expect((await got).map((p) => p.data)).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('gets our error replies as its CentException', async () => {
    // cent.js throws on a reply's `error` (it keeps the object as the message, so the code is not readable here).
    await expect(cent.publish({ channel: 'nope:x', data: {} })).rejects.toBeInstanceOf(CentException);
    await expect(cent.publish({ channel: 'chat:fine', data: {} })).resolves.toEqual({ offset: 1, epoch: expect.any(String) });
  });
});

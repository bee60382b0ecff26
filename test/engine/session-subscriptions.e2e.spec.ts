import { StreamingModule } from '../../lib/index.js';
import { StreamingTestServer } from '../../lib/testing/index.js';
import { RawClient } from '../support/raw-client.js';
import { connectionToken, subscriptionToken, TEST_SECRET } from '../support/tokens.js';

/** Subscribe and sub_refresh edges Stryker found untested in `SessionSubscriptions`. */
describe('subscriptions of a session', () => {
  let server: StreamingTestServer;
  const raws: RawClient[] = [];

  beforeAll(async () => {
    const streaming = StreamingModule.forRoot({
      auth: { jwt: { secret: TEST_SECRET } },
      namespaces: { feed: {} },
      limits: { maxChannelsPerConnection: 0 },
    });
    server = await StreamingTestServer.start({ imports: [streaming] });
  });
  afterEach(() => {
    for (const raw of raws.splice(0)) raw.close();
  });
  afterAll(() => server.close());

  async function connected(user: string, claims: Record<string, unknown> = {}): Promise<RawClient> {
    const raw = await RawClient.connected(server.url, await connectionToken(user, claims));
    raws.push(raw);
    return raw;
  }

  it('takes any number of channels when maxChannelsPerConnection is 0', async () => {
    const raw = await connected('ann');
    for (const id of [2, 3, 4]) raw.command({ id, subscribe: { channel: `feed:${id}` } });
    for (const id of [2, 3, 4]) expect((await raw.reply(id)).error).toBeUndefined();
  });

  it('closes with 3501 on a sub_refresh of a server-side subscription, even with a valid token for it', async () => {
    const raw = await connected('ann', { channels: ['feed:srv'] });
    raw.command({ id: 2, sub_refresh: { channel: 'feed:srv', token: await subscriptionToken('ann', 'feed:srv') } });
    expect(await raw.closeCode()).toBe(3501);
  });
});

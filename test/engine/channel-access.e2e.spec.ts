import type { Centrifuge } from 'centrifuge';
import type { ChannelAccess, ChannelAccessRequest } from '../../lib/index.js';
import { Permission } from '../../lib/index.js';
import { startApp, type TestApp } from '../support/app.js';
import { connectedClient, refusedCode, sdkClient, subscribed } from '../support/centrifuge-client.js';
import { connectionToken, TEST_SECRET } from '../support/tokens.js';

/** Membership as a room store would keep it: asynchronous, changing while clients are subscribed. */
class Members implements ChannelAccess {
  readonly members = new Set<string>();
  readonly asked: Array<[string, string]> = [];

  async allows({ identity, channel, permission }: ChannelAccessRequest): Promise<boolean> {
    this.asked.push([channel, Permission[permission]]);
    await new Promise((resolve) => setImmediate(resolve));
    return this.members.has(`${identity.user}@${channel}`);
  }
}

describe('channelAccess: the asynchronous step after the permission rules', () => {
  const members = new Members();
  let server: TestApp;
  let client: Centrifuge;

  beforeAll(async () => {
    server = await startApp({
      auth: { jwt: { secret: TEST_SECRET } },
      channelAccess: members,
      namespaces: {
        room: { presence: true, historySize: 10, historyTtl: 60, allowPublishForSubscriber: true },
        closed: { allowSubscribeForClient: false },
      },
    });
  });

  beforeEach(async () => {
    members.members.clear();
    members.asked.length = 0;
    client = await connectedClient(sdkClient(server.wsUrl, { token: await connectionToken('alice') }));
  });
  afterEach(() => client.disconnect());
  afterAll(() => server.close());

  it('refuses a subscribe with 103 when the step says no, and lets a member in', async () => {
    expect(await refusedCode(client, 'room:a')).toBe(103);
    members.members.add('alice@room:a');
    await subscribed(client, 'room:a');
    expect(members.asked).toEqual([
      ['room:a', 'Subscribe'],
      ['room:a', 'Subscribe'],
    ]);
  });

  it('is asked for publish, presence and history too: a member removed while subscribed gets 103', async () => {
    members.members.add('alice@room:b');
    const sub = await subscribed(client, 'room:b');
    await sub.publish({ text: 'hi' });
    await sub.presence();
    await sub.history({ limit: 1 });
    members.members.delete('alice@room:b');
    await expect(sub.publish({ text: 'again' })).rejects.toMatchObject({ code: 103 });
    await expect(sub.presence()).rejects.toMatchObject({ code: 103 });
    await expect(sub.history({ limit: 1 })).rejects.toMatchObject({ code: 103 });
    expect(members.asked.map(([, permission]) => permission)).toEqual(['Subscribe', 'Publish', 'Presence', 'History', 'Publish', 'Presence', 'History']);
  });

  it('runs after the rules: a channel the rules refuse is refused without asking', async () => {
    members.members.add('alice@closed:x');
    expect(await refusedCode(client, 'closed:x')).toBe(103);
    expect(members.asked).toEqual([]);
  });
});

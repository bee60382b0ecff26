import { startApp } from '../support/app.js';
import { RawClient } from '../support/raw-client.js';
import { connectionToken, TEST_SECRET } from '../support/tokens.js';

/** One token cannot fill a room (issue 13, 4). */
describe('one user in a room', () => {
  it('maxSubscribersPerUser keeps one user from taking every slot of a channel; others still get in', async () => {
    const server = await startApp({
      auth: { jwt: { secret: TEST_SECRET } },
      namespaces: { chat: { maxSubscribers: 8, maxSubscribersPerUser: 3 } },
    });
    const raws: RawClient[] = [];
    const join = async (user: string, channel = 'chat:room'): Promise<any> => {
      const raw = await RawClient.open(server.wsUrl);
      raws.push(raw);
      raw.command({ id: 1, connect: { token: await connectionToken(user) } });
      await raw.reply(1);
      raw.command({ id: 2, subscribe: { channel } });
      return raw.reply(2);
    };
    try {
      const alice = await Promise.all(Array.from({ length: 8 }, () => join('alice')));
      expect(alice.filter((r) => r.subscribe)).toHaveLength(3);
      expect(alice.filter((r) => r.error?.code === 106)).toHaveLength(5);
      // The limit is per channel: alice's other connections may be elsewhere.
      expect((await join('alice', 'chat:other')).subscribe).toBeDefined();
      for (const user of ['bob', 'carol', 'dave', 'erin', 'frank']) expect((await join(user)).subscribe).toBeDefined();
      // The room itself is full now: 3 + 5 = maxSubscribers.
      expect((await join('grace')).error.code).toBe(106);
    } finally {
      for (const raw of raws) raw.close();
      await server.close();
    }
  });

  it('the chat preset caps one user at 10 connections per room', async () => {
    const server = await startApp({ auth: { jwt: { secret: TEST_SECRET } }, namespaces: { chat: { preset: 'chat' } } });
    const raws: RawClient[] = [];
    try {
      const token = await connectionToken('alice');
      const replies = await Promise.all(
        Array.from({ length: 12 }, async () => {
          const raw = await RawClient.open(server.wsUrl);
          raws.push(raw);
          raw.command({ id: 1, connect: { token } });
          raw.command({ id: 2, subscribe: { channel: 'chat:room' } });
          return raw.reply(2);
        }),
      );
      expect(replies.filter((r) => r.subscribe)).toHaveLength(10);
    } finally {
      for (const raw of raws) raw.close();
      await server.close();
    }
  });
});

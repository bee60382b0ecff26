import type { Centrifuge, PublicationContext, Subscription } from 'centrifuge';
import { type MessageChangeRequest, type MessagePolicy } from '../../lib/index.js';
import { resolveOptions } from '../../lib/options/resolve-options.js';
import { startApp, type TestApp } from '../support/app.js';
import { connectedClient, once, sdkClient, subscribed } from '../support/centrifuge-client.js';
import { connectionToken, TEST_SECRET } from '../support/tokens.js';

/** The `messages.policy` option: the app's word on who moderates replaces the role rule. */
describe('MessagePolicy', () => {
  let server: TestApp;
  const asked: Omit<MessageChangeRequest, 'client'>[] = [];
  const clients: Centrifuge[] = [];
  let n = 0;
  const fresh = () => `chat:p${++n}`;

  /** Bob may delete anything but edit nothing of others'; connection roles count for nothing. */
  const policy: MessagePolicy = {
    mayModerate: async ({ client, channel, message, action }) => {
      asked.push({ channel, message, action });
      return client.user === 'bob' && action === 'delete';
    },
  };

  async function client(user: string, roles?: string[]): Promise<Centrifuge> {
    const c = sdkClient(server.wsUrl, { token: await connectionToken(user, roles ? { roles } : {}) });
    clients.push(c);
    return connectedClient(c);
  }

  async function post(from: Subscription, to: Subscription, data: object): Promise<string> {
    const got = once<PublicationContext>(to, 'publication');
    await from.publish(data);
    return (await got).tags!.id!;
  }

  beforeAll(async () => {
    server = await startApp({
      auth: { jwt: { secret: TEST_SECRET } },
      namespaces: { chat: { preset: 'chat', messages: true } },
      messages: { policy },
    });
  });
  afterEach(() => {
    asked.splice(0);
    for (const c of clients.splice(0)) c.disconnect();
  });
  afterAll(() => server.close());

  it('asks the policy about others’ messages only, and follows its answer', async () => {
    const channel = fresh();
    const [carol, bob, mod] = await Promise.all([client('carol'), client('bob'), client('mod', ['moderator'])]);
    const [c, b] = [await subscribed(carol, channel), await subscribed(bob, channel)];
    await subscribed(mod, channel);
    const id = await post(c, b, { text: 'hello' });

    await carol.rpc('message.edit', { channel, id, data: { text: 'hello!' } });
    expect(asked).toEqual([]);
    await expect(mod.rpc('message.edit', { channel, id, data: { text: 'x' } })).rejects.toMatchObject({ code: 103 });
    await expect(bob.rpc('message.edit', { channel, id, data: { text: 'x' } })).rejects.toMatchObject({ code: 103 });
    await bob.rpc('message.delete', { channel, id });
    expect(asked.map((a) => a.action)).toEqual(['edit', 'edit', 'delete']);
    expect(asked[2]).toMatchObject({ channel, message: { id, user: 'carol', data: { text: 'hello!' } } });
    await expect(carol.rpc('message.get', { channel, ids: [id] })).resolves.toMatchObject({ data: { messages: [{ deleted: true }] } });
  });

  it('refuses a policy without mayModerate, naming the option', () => {
    expect(() => resolveOptions({ messages: { policy: {} as MessagePolicy } })).toThrow(/messages\.policy/);
  });
});

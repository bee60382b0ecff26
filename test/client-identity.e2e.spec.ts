import { StreamingModule, type StreamingModuleOptions } from '../lib/index.js';
import { resolveOptions } from '../lib/options/resolve-options.js';
import { StreamingTestClient, StreamingTestServer } from '../lib/testing/index.js';
import { clientAddress, proxyTrust } from '../lib/transport/client-address.js';
import { startFixture } from './fixtures/fixture-process.js';
import { WhoAmI } from './fixtures/who-am-i.handlers.js';
import { connectionToken, TEST_SECRET } from './support/tokens.js';

const logger = process.env.TEST_LOGS ? undefined : false;

const tokens: StreamingModuleOptions = { auth: { jwt: { secret: TEST_SECRET } } };

interface ThrottledApp {
  /** A client of `user` coming from `address` (the app trusts one proxy hop). */
  connect(user: string, address?: string): Promise<StreamingTestClient>;
  close(): Promise<void>;
}

/** test/fixtures/throttled-app.ts in its own Node process: `@nestjs/throttler` is CommonJS, see startFixture. */
async function throttledApp(tracker: 'address' | 'user'): Promise<ThrottledApp> {
  const app = await startFixture('throttled-app.ts', [tracker]);
  const clients: StreamingTestClient[] = [];
  return {
    async connect(user, address = '127.0.0.1') {
      const client = await StreamingTestClient.connect(app.url, { token: await connectionToken(user), headers: { 'x-forwarded-for': address } });
      clients.push(client);
      return client;
    },
    async close() {
      for (const client of clients) client.disconnect();
      await app.close();
    },
  };
}

describe('ClientInfo: who a handler is talking to', () => {
  let server: StreamingTestServer;
  afterEach(() => server?.close());

  it('carries id, user, roles, transport, the address and the upgrade headers', async () => {
    server = await StreamingTestServer.start({ imports: [StreamingModule.forRoot(tokens)], providers: [WhoAmI] }, { logger });
    const alice = await server.connect('alice', { roles: ['ops'], headers: { 'user-agent': 'tests/1.0', 'x-custom': 'yes' } });
    expect(await alice.rpc('whoami')).toMatchObject({
      id: alice.id,
      user: 'alice',
      ip: '127.0.0.1',
      transport: 'websocket',
      roles: ['ops'],
      agent: 'tests/1.0',
      custom: 'yes',
    });
  });

  it('believes X-Forwarded-For only as far as trustProxy says', async () => {
    const forwarded = { 'x-forwarded-for': '203.0.113.7, 198.51.100.2' };
    const ipWith = async (trustProxy: StreamingModuleOptions['trustProxy']) => {
      server = await StreamingTestServer.start({ imports: [StreamingModule.forRoot({ ...tokens, trustProxy })], providers: [WhoAmI] }, { logger });
      try {
        const client = await server.connect('alice', { headers: forwarded });
        return (await client.rpc<{ ip: string }>('whoami')).ip;
      } finally {
        await server.close();
      }
    };
    expect(await ipWith(undefined)).toBe('127.0.0.1');
    expect(await ipWith(1)).toBe('198.51.100.2');
    expect(await ipWith(2)).toBe('203.0.113.7');
    expect(await ipWith(['127.0.0.1'])).toBe('198.51.100.2');
    expect(await ipWith(['127.0.0.0/8', '198.51.100.0/24'])).toBe('203.0.113.7');
  });
});

describe('clientAddress', () => {
  const trust = (n: number | string[]) => proxyTrust(n);

  it('walks X-Forwarded-For from the right over trusted hops only', () => {
    expect(clientAddress('10.0.0.1', '1.1.1.1, 2.2.2.2', trust(1))).toBe('2.2.2.2');
    expect(clientAddress('10.0.0.1', '1.1.1.1, 2.2.2.2', trust(5))).toBe('1.1.1.1');
    expect(clientAddress('10.0.0.1', ['1.1.1.1', '2.2.2.2'], trust(2))).toBe('1.1.1.1');
    // The peer is not a trusted proxy: what it claims is ignored.
    expect(clientAddress('192.0.2.9', '1.1.1.1', trust(['10.0.0.0/8']))).toBe('192.0.2.9');
    expect(clientAddress('::ffff:10.0.0.1', '2001:db8::1', trust(['::ffff:10.0.0.0/104']))).toBe('2001:db8::1');
    // A server listening on `::` sees IPv4 peers as IPv4-mapped addresses: an IPv4 range still covers them.
    expect(clientAddress('::ffff:10.0.0.1', '1.1.1.1', trust(['10.0.0.0/8']))).toBe('1.1.1.1');
  });

  it('stops at an entry that is not an address: the hop that wrote it is the last one believed', () => {
    expect(clientAddress('10.0.0.1', '1.1.1.1, unknown', trust(3))).toBe('10.0.0.1');
    expect(clientAddress('10.0.0.1', 'garbage, 2.2.2.2', trust(3))).toBe('2.2.2.2');
    expect(clientAddress('10.0.0.1', '', trust(3))).toBe('10.0.0.1');
  });

  it('refuses trustProxy settings that would believe anyone, or that it cannot read, naming the field', () => {
    const resolve = (trustProxy: unknown) => () => resolveOptions({ trustProxy } as StreamingModuleOptions);
    expect(resolve(true)).toThrow(/trustProxy true would believe any client/);
    expect(resolve(-1)).toThrow(/trustProxy must be a whole number/);
    expect(resolve(['10.0.0.0/33'])).toThrow(/trustProxy "10.0.0.0\/33" has a bad prefix length/);
    expect(resolve(['proxy.local'])).toThrow(/trustProxy "proxy.local" is not an IP address/);
    expect(resolve('10.0.0.1')).toThrow(/trustProxy must be false, a number of proxies/);
  });
});

describe('@nestjs/throttler as a global guard on streaming handlers', () => {
  let app: ThrottledApp;
  afterEach(() => app?.close());

  it('keys per client address by default: five clients from five addresses each publish, one address is limited', async () => {
    app = await throttledApp('address');
    for (let i = 1; i <= 5; i++) {
      const user = await app.connect(`user${i}`, `198.51.100.${i}`);
      await user.publish('chat:room', { n: 1 });
    }
    const again = await app.connect('user6', '198.51.100.1');
    await again.publish('chat:room', { n: 2 });
    await again.publish('chat:room', { n: 3 });
    await again.expectError(111, again.publish('chat:room', { n: 4 }));
    // @SkipThrottle() on a handler method works as on a controller's.
    for (let n = 1; n <= 5; n++) await again.publish('free:room', { n });
  });

  it('keys per user with a getTracker override: five users from one address each publish, one user is limited', async () => {
    app = await throttledApp('user');
    const users = await Promise.all([1, 2, 3, 4, 5].map((i) => app.connect(`user${i}`)));
    for (const user of users) await user.publish('chat:room', { n: 1 });
    const [first] = users;
    await first!.publish('chat:room', { n: 2 });
    await first!.publish('chat:room', { n: 3 });
    await first!.expectError(111, first!.publish('chat:room', { n: 4 }));
  });
});

import { Injectable } from '@nestjs/common';
import type { Centrifuge } from 'centrifuge';
import { exportJWK } from 'jose';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ErrorCode,
  StreamingError,
  type Authenticator,
  type ConnectCredentials,
  type Identity,
  type StreamingModuleOptions,
  type SubscriptionGrant,
} from '../lib/index.js';
import { startApp, type TestApp } from './support/app.js';
import { connectOutcome, once, sdkClient } from './support/centrifuge-client.js';
import { RawClient } from './support/raw-client.js';
import { claimsFor, keyPair, signToken } from './support/tokens.js';

/** A JWKS endpoint over real HTTP; `fail` makes it answer 500, `serve` swaps the key set (a rotation). */
async function jwksServer(
  initial: object,
): Promise<{ url: string; server: Server; fetches: () => number; fail(on: boolean): void; serve(jwks: object): void }> {
  let jwks = initial;
  let fetches = 0;
  let failing = false;
  const server = createServer((_req, res) => {
    fetches++;
    if (failing) {
      res.writeHead(500).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`,
    server,
    fetches: () => fetches,
    fail: (on) => (failing = on),
    serve: (next) => (jwks = next),
  };
}

describe('token keys and authenticators with the centrifuge SDK', () => {
  const clients: Centrifuge[] = [];
  const apps: TestApp[] = [];

  async function app(options: StreamingModuleOptions, providers: any[] = []): Promise<TestApp> {
    const started = await startApp(options, providers);
    apps.push(started);
    return started;
  }

  function client(url: string, opts: Parameters<typeof sdkClient>[1]): Centrifuge {
    const c = sdkClient(url, opts);
    clients.push(c);
    return c;
  }

  afterEach(async () => {
    for (const c of clients.splice(0)) c.disconnect();
    for (const a of apps.splice(0)) await a.close();
  });

  describe('JWKS', () => {
    const rsa = keyPair('rsa');
    let jwks: Awaited<ReturnType<typeof jwksServer>>;

    beforeAll(async () => {
      jwks = await jwksServer({ keys: [{ ...(await exportJWK(rsa.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }] });
    });

    afterAll(async () => {
      await new Promise((resolve) => jwks.server.close(resolve));
    });

    it('connects with an RS256 token whose key comes from the JWKS endpoint, fetched once and cached', async () => {
      const server = await app({ auth: { jwt: { jwksUrl: jwks.url } } });
      const before = jwks.fetches();
      for (const user of ['kim', 'lee']) {
        const token = await signToken(claimsFor(user), 'RS256', rsa.privateKey, { kid: 'k1' });
        const c = client(server.wsUrl, { token });
        const ready = once<any>(c, 'connected');
        c.connect();
        expect((await ready).client).toBeDefined();
      }
      expect(jwks.fetches() - before).toBe(1);
    });

    it('closes with 3500 on a kid the key set does not have', async () => {
      const server = await app({ auth: { jwt: { jwksUrl: jwks.url } } });
      const token = await signToken(claimsFor('kim'), 'RS256', keyPair('rsa').privateKey, { kid: 'stolen' });
      const c = client(server.wsUrl, { token });
      const gone = once<any>(c, 'disconnected');
      c.connect();
      expect((await gone).code).toBe(3500);
    });

    it('follows a key rotation: a new kid is fetched, the retired key is refused with 3500', async () => {
      const rotating = await jwksServer({ keys: [{ ...(await exportJWK(rsa.publicKey)), kid: 'old', alg: 'RS256', use: 'sig' }] });
      try {
        const server = await app({ auth: { jwt: { jwksUrl: rotating.url, jwksCooldown: 0 } } });
        const outcome = (token: string) => connectOutcome(client(server.wsUrl, { token }));
        expect(await outcome(await signToken(claimsFor('kim'), 'RS256', rsa.privateKey, { kid: 'old' }))).toBe('connected');
        const next = keyPair('rsa');
        rotating.serve({ keys: [{ ...(await exportJWK(next.publicKey)), kid: 'new', alg: 'RS256', use: 'sig' }] });
        expect(await outcome(await signToken(claimsFor('lee'), 'RS256', next.privateKey, { kid: 'new' }))).toBe('connected');
        expect(await outcome(await signToken(claimsFor('kim'), 'RS256', rsa.privateKey, { kid: 'old' }))).toBe(3500);
      } finally {
        await new Promise((resolve) => rotating.server.close(resolve));
      }
    });

    it('answers a temporary error while the JWKS endpoint fails, so the SDK retries and connects once it is back', async () => {
      const server = await app({ auth: { jwt: { jwksUrl: jwks.url } } });
      jwks.fail(true);
      const token = await signToken(claimsFor('kim'), 'RS256', rsa.privateKey, { kid: 'k1' });
      const c = client(server.wsUrl, { token });
      const errors: number[] = [];
      c.on('error', (ctx: any) => {
        if (ctx.error?.code) errors.push(ctx.error.code);
        jwks.fail(false);
      });
      const ready = once<any>(c, 'connected');
      c.connect();
      await ready;
      expect(errors).toContain(100);
    });
  });

  it('verifies ES256 tokens with a public key given as a JWK, and only ES256', async () => {
    const ec = keyPair('ec');
    const server = await app({ auth: { jwt: { publicKey: ec.publicKey.export({ format: 'jwk' }) } } });
    const c = client(server.wsUrl, { token: await signToken(claimsFor('mia'), 'ES256', ec.privateKey) });
    const ready = once<any>(c, 'connected');
    c.connect();
    await ready;
    const forged = client(server.wsUrl, { token: await signToken(claimsFor('mia'), 'HS256', new TextEncoder().encode('x')) });
    const gone = once<any>(forged, 'disconnected');
    forged.connect();
    expect((await gone).code).toBe(3500);
  });

  describe('custom authenticators', () => {
    /** An application service the streaming module cannot see: only reachable through useFactory/useExisting. */
    @Injectable()
    class ApiKeys {
      readonly users: Record<string, string> = { 'key-nora': 'nora' };
    }

    @Injectable()
    class ApiKeyAuthenticator implements Authenticator {
      constructor(private readonly keys: ApiKeys) {}
      async authenticate(credentials: ConnectCredentials): Promise<Identity> {
        const key = (credentials.data as { apiKey?: string } | undefined)?.apiKey ?? '';
        const user = this.keys.users[key];
        if (!user) throw StreamingError.of(ErrorCode.Unauthorized, 'unknown API key');
        return { user, roles: ['reader'], subscriptions: { 'news:general': {} } };
      }
    }

    async function connectsWith(options: StreamingModuleOptions, providers: any[]): Promise<void> {
      const server = await app({ ...options, namespaces: { news: {} } }, providers);
      const good = client(server.wsUrl, { data: { apiKey: 'key-nora' } });
      const subscribed = once<any>(good, 'subscribed');
      good.connect();
      expect((await subscribed).channel).toBe('news:general');
      const bad = client(server.wsUrl, { data: { apiKey: 'wrong' } });
      const refused = once<any>(bad, 'disconnected');
      bad.connect();
      expect((await refused).code).toBe(101);
    }

    it('takes { useFactory, inject } with providers of the application', async () => {
      await connectsWith(
        { auth: { authenticator: { useFactory: (keys: ApiKeys) => new ApiKeyAuthenticator(keys), inject: [ApiKeys] } } },
        [ApiKeys],
      );
    });

    it('takes { useExisting } naming a provider of the application', async () => {
      await connectsWith({ auth: { authenticator: { useExisting: ApiKeyAuthenticator } } }, [ApiKeys, ApiKeyAuthenticator]);
    });

    it('takes { useClass } created inside the module', async () => {
      @Injectable()
      class FixedKeys extends ApiKeyAuthenticator {
        constructor() {
          super(new ApiKeys());
        }
      }
      await connectsWith({ auth: { authenticator: { useClass: FixedKeys } } }, []);
    });

    it.each([
      ['refreshSubscription', true],
      ['authorizeSubscription when it has no refreshSubscription', false],
    ])('checks a subscribe token with authorizeSubscription and a sub_refresh token with %s', async (_, refreshes) => {
      const calls: string[] = [];
      const check = (kind: string) => async (token: string, channel: string): Promise<SubscriptionGrant> => {
        calls.push(`${kind} ${channel} ${token}`);
        return {};
      };
      const authenticator: Authenticator = {
        authenticate: async () => ({ user: 'nora' }),
        authorizeSubscription: check('authorize'),
        ...(refreshes ? { refreshSubscription: check('refresh') } : {}),
      };
      const server = await app({ auth: { authenticator: { useFactory: () => authenticator } }, namespaces: { news: {} } });
      const raw = await RawClient.open(server.wsUrl);
      try {
        raw.command({ id: 1, connect: {} });
        raw.command({ id: 2, subscribe: { channel: 'news:x', token: 'first' } });
        raw.command({ id: 3, sub_refresh: { channel: 'news:x', token: 'second' } });
        expect((await raw.reply(3)).error).toBeUndefined();
        expect(calls).toEqual(['authorize news:x first', `${refreshes ? 'refresh' : 'authorize'} news:x second`]);
      } finally {
        raw.close();
      }
    });

    it('answers a subscription token with 103 on subscribe and 108 on sub_refresh when the authenticator checks none', async () => {
      const server = await app({ auth: { authenticator: { useFactory: () => ({ authenticate: async () => ({ user: 'nora' }) }) } }, namespaces: { news: {} } });
      const raw = await RawClient.open(server.wsUrl);
      try {
        raw.command({ id: 1, connect: {} });
        raw.command({ id: 2, subscribe: { channel: 'news:x', token: 'any' } });
        raw.command({ id: 3, subscribe: { channel: 'news:y' } });
        raw.command({ id: 4, sub_refresh: { channel: 'news:y', token: 'any' } });
        expect((await raw.reply(2)).error).toEqual({ code: 103, message: 'permission denied: subscription tokens are not accepted' });
        expect((await raw.reply(3)).error).toBeUndefined();
        expect((await raw.reply(4)).error).toMatchObject({ code: 108 });
      } finally {
        raw.close();
      }
    });

    it('fails at start-up when useExisting names nothing the application provides', async () => {
      await expect(startApp({ auth: { authenticator: { useExisting: ApiKeyAuthenticator } } })).rejects.toThrow(
        /auth\.authenticator needs ApiKeyAuthenticator/,
      );
    });
  });
});

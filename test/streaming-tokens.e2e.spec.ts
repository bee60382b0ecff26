import { decodeJwt, decodeProtectedHeader, exportJWK } from 'jose';
import {
  StreamingManager,
  StreamingModule,
  StreamingOptionsError,
  StreamingTokenError,
  StreamingTokens,
  type StreamingModuleOptions,
} from '../lib/index.js';
import { resolveOptions } from '../lib/options/resolve-options.js';
import { StreamingTestServer } from '../lib/testing/index.js';
import { WhoAmI } from './fixtures/who-am-i.handlers.js';
import { keyPair, TEST_SECRET } from './support/tokens.js';

const logger = process.env.TEST_LOGS ? undefined : false;

const start = (options: StreamingModuleOptions) =>
  StreamingTestServer.start({ imports: [StreamingModule.forRoot(options)], providers: [WhoAmI] }, { logger });

/** The module's StreamingTokens for these options, without an app. */
const tokensFor = (options: StreamingModuleOptions) => new StreamingTokens(resolveOptions(options));

describe('StreamingTokens', () => {
  let server: StreamingTestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('mints connection tokens the server accepts, with roles, info, meta and server-side subscriptions', async () => {
    server = await start({
      auth: { jwt: { secret: TEST_SECRET, audience: 'chat', issuer: 'tests' } },
      namespaces: { news: {}, room: { presence: true } },
    });
    const alice = await server.connect('alice', {
      roles: ['admin'],
      info: { name: 'Alice' },
      meta: { plan: 'pro' },
      channels: ['news:all'],
    });
    expect(await alice.rpc('whoami')).toMatchObject({ user: 'alice', roles: ['admin'], info: { name: 'Alice' }, meta: { plan: 'pro' }, expires: true });
    await server.get(StreamingManager).publish('news:all', { n: 1 });
    expect(await alice.nextPublication('news:all')).toMatchObject({ data: { n: 1 } });

    const bob = await server.connect('bob', { subs: { 'room:1': { info: { seat: 3 }, override: { presence: false } } } });
    await server.get(StreamingManager).publish('room:1', { n: 2 });
    expect(await bob.nextPublication('room:1')).toMatchObject({ data: { n: 2 } });
    expect(await server.get(StreamingManager).presence('room:1')).toEqual({});

    const claims = decodeJwt(await server.tokens.connectionToken('carol', { ttl: 60 }));
    expect(claims).toMatchObject({ sub: 'carol', aud: 'chat', iss: 'tests' });
    expect(claims.exp! - claims.iat!).toBe(60);
  });

  it('mints subscription tokens bound to user, channel and, when asked, one connection', async () => {
    server = await start({ auth: { jwt: { secret: TEST_SECRET } }, namespaces: { team: { allowSubscribeForClient: false } } });
    const alice = await server.connect('alice');
    await alice.expectError(103, alice.subscribe('team:core'));
    const tokens = server.tokens;
    const sub = await alice.subscribe('team:core', {
      getToken: () => tokens.subscriptionToken('alice', 'team:core', { data: { welcome: true }, client: alice.id }),
    });
    expect(sub.state).toBe('subscribed');
    // Bound to alice's connection: another connection of alice is closed as a forgery (3500).
    const again = await server.connect('alice');
    const stolen = await tokens.subscriptionToken('alice', 'team:core', { client: alice.id });
    await again.expectError(3500, again.subscribe('team:core', { token: stolen }));
  });

  it('never expires with ttl 0, and carries expire_at', async () => {
    const tokens = tokensFor({ auth: { jwt: { secret: TEST_SECRET } } });
    expect(decodeJwt(await tokens.connectionToken('alice', { ttl: 0 })).exp).toBeUndefined();
    expect(decodeJwt(await tokens.subscriptionToken('alice', 'a', { expireAt: 2_000_000_000 }))).toMatchObject({ channel: 'a', expire_at: 2_000_000_000 });
  });

  it('signs with the private key, alone (its public half verifies) or paired with publicKey', async () => {
    const ec = keyPair('ec');
    const privatePem = ec.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    server = await start({ auth: { jwt: { privateKey: privatePem } } });
    const token = await server.tokens.connectionToken('alice');
    expect(decodeProtectedHeader(token).alg).toBe('ES256');
    expect(await (await server.connect(undefined, { token })).rpc('whoami')).toMatchObject({ user: 'alice' });
    await server.close();

    const jwk = { ...(await exportJWK(ec.privateKey)), kid: 'k1' };
    server = await start({ auth: { jwt: { privateKey: jwk, publicKey: ec.publicPem, secret: 'also-a-secret' } } });
    const paired = await server.tokens.connectionToken('bob');
    expect(decodeProtectedHeader(paired)).toEqual({ alg: 'ES256', kid: 'k1' });
    expect(await (await server.connect(undefined, { token: paired })).rpc('whoami')).toMatchObject({ user: 'bob' });
  });

  it('signs with the algorithm auth.jwt.algorithms allows', async () => {
    const tokens = tokensFor({ auth: { jwt: { secret: TEST_SECRET, algorithms: ['HS512'] } } });
    expect(decodeProtectedHeader(await tokens.connectionToken('alice')).alg).toBe('HS512');
  });

  it('says which option is missing when the module only verifies', async () => {
    const rsa = keyPair('rsa');
    await expect(tokensFor({ auth: { jwt: { publicKey: rsa.publicPem } } }).connectionToken('alice')).rejects.toThrow(
      new StreamingOptionsError('auth.jwt', 'has no key to sign with: StreamingTokens needs auth.jwt.secret or auth.jwt.privateKey (a publicKey or jwksUrl only verifies)'),
    );
    await expect(tokensFor({ auth: { anonymous: true } }).subscriptionToken('alice', 'a')).rejects.toThrow(/auth\.jwt is not set/);
  });

  it('refuses bad arguments and bad private keys, naming them', async () => {
    const tokens = tokensFor({ auth: { jwt: { secret: TEST_SECRET } } });
    await expect(tokens.connectionToken('alice', { ttl: -1 })).rejects.toThrow(/ttl must be a number of seconds >= 0/);
    await expect(tokens.subscriptionToken('alice', '')).rejects.toThrow(/channel must be a non-empty string/);
    await expect(tokens.connectionToken('alice', { roles: 'admin' as unknown as string[] })).rejects.toThrow(/roles must be an array/);
    // What a controller reading `?user=` passes when the query lacks it: a 400, not a TypeError's 500.
    const missing = await tokens.connectionToken(undefined as unknown as string).catch((err: unknown) => err);
    expect(missing).toBeInstanceOf(StreamingTokenError);
    expect(missing).toMatchObject({ message: 'user must be a string ("" for anonymous), got undefined' });
    expect((missing as StreamingTokenError).getStatus()).toBe(400);
    await expect(tokens.subscriptionToken('alice', undefined as unknown as string)).rejects.toBeInstanceOf(StreamingTokenError);
    await expect(tokens.connectionToken('', { roles: ['member'], channels: ['personal:#'] })).rejects.toThrow(
      new StreamingTokenError('an anonymous token (user "") cannot carry roles, channels: give the user\'s id'),
    );
    expect(decodeJwt(await tokens.connectionToken('', { info: { guest: true } }))).toMatchObject({ sub: '', info: { guest: true } });

    const other = keyPair('rsa');
    const rsaPrivate = keyPair('rsa').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const resolve = (jwt: object) => () => resolveOptions({ auth: { jwt } } as StreamingModuleOptions);
    expect(resolve({ privateKey: rsaPrivate, publicKey: other.publicPem })).toThrow(/auth\.jwt\.privateKey is not the private half of auth\.jwt\.publicKey/);
    expect(resolve({ privateKey: other.publicPem })).toThrow(/auth\.jwt\.privateKey is not a usable RSA or EC private key/);
    expect(resolve({ privateKey: rsaPrivate, secret: 's', algorithms: ['HS256'] })).toThrow(/auth\.jwt\.privateKey signs RS256 or RS384 or RS512, which auth\.jwt\.algorithms leaves out/);
  });
});

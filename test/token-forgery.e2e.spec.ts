import { generateKeyPairSync } from 'node:crypto';
import { startApp, type TestApp } from './support/app.js';
import { RawClient } from './support/raw-client.js';
import { claimsFor, hmacKey, keyPair, signToken, unsignedToken } from './support/tokens.js';

const AUD = 'chat-app';

/** The reply to command `id` (`{ error }` when it is an error, `{}` otherwise), or how the socket closed first. */
async function outcome(c: RawClient, id: number, ms = 3000): Promise<{ error?: number; close?: number; reply?: any }> {
  let close: number | undefined;
  void c.closed.then((closed) => (close = closed.code));
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const reply = c.messages.find((m) => m.id === id);
    if (reply) return reply.error ? { error: reply.error.code } : { reply };
    if (close !== undefined) return { close };
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`no reply to ${id} and no close; got ${JSON.stringify(c.messages)}`);
}
const ISS = 'https://auth.example';

/**
 * Forged, expired and malformed tokens over a bare WebSocket: each gets the code Centrifugo gives
 * it. The server accepts HS256 (secret) and RS256 (RSA public key) with a required aud and iss.
 */
describe('token forgery', () => {
  let server: TestApp;
  const rsa = keyPair('rsa');
  const open: RawClient[] = [];

  const claims = (user: string, extra: Record<string, unknown> = {}, expiresIn = 3600) =>
    claimsFor(user, { aud: AUD, iss: ISS, ...extra }, expiresIn);
  const hs256 = (c: Record<string, unknown>) => signToken(c, 'HS256', hmacKey());
  const rs256 = (c: Record<string, unknown>) => signToken(c, 'RS256', rsa.privateKey);

  /** Sends connect with `token`; resolves with the error code of the reply, or the close code. */
  async function refusal(token: string): Promise<{ error?: number; close?: number }> {
    const c = await RawClient.open(server.wsUrl);
    open.push(c);
    c.command({ id: 1, connect: { token } });
    const result = await outcome(c, 1);
    if (result.reply) throw new Error(`connected: ${JSON.stringify(result.reply)}`);
    return result;
  }

  async function connected(user = 'alice', extra: Record<string, unknown> = {}): Promise<RawClient> {
    const c = await RawClient.open(server.wsUrl);
    open.push(c);
    c.command({ id: 1, connect: { token: await hs256(claims(user, extra)) } });
    expect((await c.reply(1)).connect.client).toBeDefined();
    return c;
  }

  beforeAll(async () => {
    server = await startApp({
      auth: { jwt: { secret: 'test-secret-for-streaming-e2e', publicKey: rsa.publicPem, audience: AUD, issuer: ISS } },
      namespaces: { chat: {}, team: { allowSubscribeForClient: false } },
    });
  });

  afterEach(() => {
    for (const c of open.splice(0)) c.close();
  });

  afterAll(async () => {
    await server.close();
  });

  describe('connection tokens', () => {
    it('accepts a correct HS256 and a correct RS256 token (the cases below differ in one thing)', async () => {
      for (const token of [await hs256(claims('alice')), await rs256(claims('alice'))]) {
        const c = await RawClient.open(server.wsUrl);
        open.push(c);
        c.command({ id: 1, connect: { token } });
        expect((await c.reply(1)).connect.client).toBeDefined();
      }
    });

    const invalid: Array<[string, () => Promise<string>]> = [
      ['alg none', async () => unsignedToken(claims('alice'))],
      ['alg none with a signature part', async () => `${unsignedToken(claims('alice'))}c2ln`],
      // HS/RS confusion: the public key is public, so an attacker can HMAC with its PEM bytes.
      ['HS256 signed with the RSA public key as secret', () => signToken(claims('alice'), 'HS256', hmacKey(rsa.publicPem))],
      ['HS256 signed with another secret', () => signToken(claims('alice'), 'HS256', hmacKey('guess'))],
      ['RS256 signed by another key', () => signToken(claims('alice'), 'RS256', keyPair('rsa').privateKey)],
      ['ES256, which no configured key verifies', () => signToken(claims('alice'), 'ES256', keyPair('ec').privateKey)],
      [
        'a tampered payload',
        async () => {
          const [header, , signature] = (await hs256(claims('alice'))).split('.');
          const payload = Buffer.from(JSON.stringify(claims('admin'))).toString('base64url');
          return `${header}.${payload}.${signature}`;
        },
      ],
      ['a wrong aud', () => hs256(claims('alice', { aud: 'other-app' }))],
      ['a wrong iss', () => hs256(claims('alice', { iss: 'https://evil.example' }))],
      ['no aud', () => hs256(claims('alice', { aud: undefined }))],
      ['a subscription token (channel claim)', () => hs256(claims('alice', { channel: 'chat:a' }))],
      ['a sub claim that is not a string', () => hs256(claims('alice', { sub: 42 }))],
      ['roles that are not strings', () => hs256(claims('alice', { roles: 'admin' }))],
      ['b64info that is not base64 of JSON', () => hs256(claims('alice', { b64info: Buffer.from('not json').toString('base64') }))],
      ['channels that are not an array', () => hs256(claims('alice', { channels: 'chat:a' }))],
      ['an expire_at that is not a number', () => hs256(claims('alice', { expire_at: 'never' }))],
      ['EdDSA, which no configured key verifies', () => signToken(claims('alice'), 'EdDSA', generateKeyPairSync('ed25519').privateKey)],
      ['three parts of garbage', async () => 'a.b.c'],
    ];
    it.each(invalid)('closes with 3500 on %s', async (_name, make) => {
      expect(await refusal(await make())).toEqual({ close: 3500 });
    });

    it('answers 109 to an expired token and to a token not valid yet', async () => {
      expect(await refusal(await hs256(claims('alice', {}, -10)))).toEqual({ error: 109 });
      expect(await refusal(await rs256(claims('alice', {}, -10)))).toEqual({ error: 109 });
      const now = Math.floor(Date.now() / 1000);
      expect(await refusal(await hs256(claims('alice', { nbf: now + 600 })))).toEqual({ error: 109 });
    });

    it('answers 110 when expire_at is in the past although exp is not', async () => {
      const now = Math.floor(Date.now() / 1000);
      expect(await refusal(await hs256(claims('alice', { expire_at: now - 5 })))).toEqual({ error: 110 });
    });

    it('answers 102 to a server-side channel in an unknown namespace', async () => {
      expect(await refusal(await hs256(claims('alice', { channels: ['nowhere:x'] })))).toEqual({ error: 102 });
    });
  });

  describe('subscription tokens', () => {
    async function subscribe(c: RawClient, channel: string, token?: string): Promise<{ error?: number; close?: number }> {
      c.command({ id: 2, subscribe: { channel, token } });
      const { reply: _subscribed, ...result } = await outcome(c, 2);
      return result;
    }

    it('subscribes with a correct token to a channel closed to plain clients, and not without one', async () => {
      const c = await connected();
      expect(await subscribe(c, 'team:a')).toEqual({ error: 103 });
      c.command({ id: 3, subscribe: { channel: 'team:b', token: await hs256(claims('alice', { channel: 'team:b' })) } });
      expect((await c.reply(3)).subscribe).toBeDefined();
    });

    it.each([
      ['signed with another secret', () => signToken(claims('alice', { channel: 'team:a' }), 'HS256', hmacKey('guess'))],
      ['alg none', async () => unsignedToken(claims('alice', { channel: 'team:a' }))],
      ['HS256 with the public key as secret', () => signToken(claims('alice', { channel: 'team:a' }), 'HS256', hmacKey(rsa.publicPem))],
      ['without a channel claim', () => hs256(claims('alice'))],
      ['with a client claim that is not a string', () => hs256(claims('alice', { channel: 'team:a', client: 5 }))],
      ['with a malformed override', () => hs256(claims('alice', { channel: 'team:a', override: { presence: true } }))],
      ['with b64data that is not base64 of JSON', () => hs256(claims('alice', { channel: 'team:a', b64data: 'bm90IGpzb24=' }))],
    ])('answers 103 to a token %s and keeps the connection', async (_name, make) => {
      const c = await connected();
      expect(await subscribe(c, 'team:a', await make())).toEqual({ error: 103 });
      c.command({ id: 5, subscribe: { channel: 'chat:still-here' } });
      expect((await c.reply(5)).subscribe).toBeDefined();
    });

    it('closes with 3500 on a valid token for another user or another channel', async () => {
      expect(await subscribe(await connected(), 'team:a', await hs256(claims('bob', { channel: 'team:a' })))).toEqual({ close: 3500 });
      expect(await subscribe(await connected(), 'team:a', await hs256(claims('alice', { channel: 'team:b' })))).toEqual({ close: 3500 });
    });

    it('answers 109 to an expired subscription token', async () => {
      expect(await subscribe(await connected(), 'team:a', await hs256(claims('alice', { channel: 'team:a' }, -10)))).toEqual({
        error: 109,
      });
    });
  });

  describe('refresh and sub_refresh', () => {
    it('closes with 3005 on a refresh with an expired token, so the SDK reconnects and fetches a new one', async () => {
      const c = await connected();
      c.command({ id: 2, refresh: { token: await hs256(claims('alice', {}, -10)) } });
      expect(await c.closeCode()).toBe(3005);
    });

    it.each([
      ['another user', () => hs256(claims('mallory'))],
      ['alg none', async () => unsignedToken(claims('alice'))],
      ['another secret', () => signToken(claims('alice'), 'HS256', hmacKey('guess'))],
    ])('closes with 3500 on a refresh token of %s', async (_name, make) => {
      const c = await connected();
      c.command({ id: 2, refresh: { token: await make() } });
      expect(await c.closeCode()).toBe(3500);
    });

    it('closes with 3010 when the refresh token names other server-side channels', async () => {
      const c = await connected('alice', { channels: ['chat:news'] });
      c.command({ id: 2, refresh: { token: await hs256(claims('alice', { channels: ['chat:news', 'chat:more'] })) } });
      expect(await c.closeCode()).toBe(3010);
    });

    it('answers sub_refresh: 103 when not subscribed, 110 for an expired token, 3500 for another channel', async () => {
      const c = await connected();
      c.command({ id: 2, sub_refresh: { channel: 'team:a', token: await hs256(claims('alice', { channel: 'team:a' })) } });
      expect((await c.reply(2)).error.code).toBe(103);
      c.command({ id: 3, subscribe: { channel: 'team:a', token: await hs256(claims('alice', { channel: 'team:a' }, 60)) } });
      expect((await c.reply(3)).subscribe).toMatchObject({ expires: true });
      c.command({ id: 4, sub_refresh: { channel: 'team:a', token: await hs256(claims('alice', { channel: 'team:a' }, -10)) } });
      expect((await c.reply(4)).error.code).toBe(110);
      c.command({ id: 5, sub_refresh: { channel: 'team:a', token: await hs256(claims('alice', { channel: 'team:b' })) } });
      expect(await c.closeCode()).toBe(3500);
    });
  });
});

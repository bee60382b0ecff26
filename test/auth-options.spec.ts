import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { StreamingModule, type StreamingModuleOptions } from '../lib/index.js';
import { resolveOptions } from '../lib/options/resolve-options.js';
import { StreamingOptionsError } from '../lib/options/streaming-options-error.js';
import { CapturingLogger } from './support/capturing-logger.js';
import { keyPair } from './support/tokens.js';

async function startUpWarnings(options: StreamingModuleOptions): Promise<string[]> {
  @Module({ imports: [StreamingModule.forRoot(options)] })
  class AuthModule {}
  const logger = new CapturingLogger();
  const app = await NestFactory.create(AuthModule, { logger });
  try {
    await app.init();
    return logger.lines.filter((l) => l.level === 'warn').map((l) => l.text);
  } finally {
    await app.close();
  }
}

describe('auth options', () => {
  const rsaPem = keyPair('rsa').publicPem;
  const ecJwk = keyPair('ec').publicKey.export({ format: 'jwk' });

  it.each<[string, unknown, RegExp]>([
    ['no key at all', { jwt: {} }, /auth\.jwt needs a secret, a publicKey, a privateKey or a jwksUrl/],
    ['an empty secret', { jwt: { secret: '' } }, /auth\.jwt\.secret must be a non-empty string/],
    ['a publicKey that is not a key', { jwt: { publicKey: 'not a pem' } }, /auth\.jwt\.publicKey is not a usable RSA or EC public key/],
    ['a publicKey of a wrong type', { jwt: { publicKey: 42 } }, /auth\.jwt\.publicKey must be a PEM string or a JWK object/],
    ['a jwksUrl that is not http(s)', { jwt: { jwksUrl: 'file:///etc/keys' } }, /auth\.jwt\.jwksUrl must be an http\(s\) URL/],
    ['a jwksCooldown without jwksUrl', { jwt: { secret: 's', jwksCooldown: 5 } }, /auth\.jwt\.jwksCooldown needs jwksUrl/],
    ['a negative jwksCacheMaxAge', { jwt: { jwksUrl: 'https://a.example/jwks', jwksCacheMaxAge: -1 } }, /auth\.jwt\.jwksCacheMaxAge must be a number >= 0/],
    ['jwksUrl with publicKey', { jwt: { jwksUrl: 'https://a.example/jwks', publicKey: rsaPem } }, /auth\.jwt\.jwksUrl cannot be used together with publicKey/],
    ['an RS algorithm with only a secret', { jwt: { secret: 's', algorithms: ['RS256'] } }, /auth\.jwt\.algorithms has "RS256", which no configured key verifies \(these do: HS256, HS384, HS512\)/],
    ['ES384 with a P-256 key', { jwt: { publicKey: ecJwk, algorithms: ['ES384'] } }, /auth\.jwt\.algorithms has "ES384".*ES256\)/],
    ['an empty audience', { jwt: { secret: 's', audience: '' } }, /auth\.jwt\.audience must be a non-empty string/],
    ['an authenticator that is neither class nor provider', { authenticator: 'jwt' }, /auth\.authenticator must be a class/],
    ['an authenticator provider with two kinds', { authenticator: { useClass: class {}, useFactory: () => ({}) } }, /exactly one of useClass, useExisting, useFactory/],
    ['inject without useFactory', { authenticator: { useExisting: 'X', inject: [] } }, /inject must be an array, next to useFactory/],
    ['a negative expiredCloseDelay', { expiredCloseDelay: -1 }, /auth\.expiredCloseDelay must be a number >= 0/],
    ['a misspelt auth option', { anonymus: true }, /auth\.anonymus is not an auth option/],
    ['a misspelt jwt option, which would drop the audience check', { jwt: { secret: 's', audiance: 'app' } }, /auth\.jwt\.audiance is not an auth\.jwt option/],
    ['a secret read from an unset variable', { jwt: { secret: undefined } }, /auth\.jwt needs a secret, a publicKey, a privateKey or a jwksUrl \(secret is undefined\)/],
  ])('refuses %s, naming the field', (_name, auth, message) => {
    expect(() => resolveOptions({ auth } as StreamingModuleOptions)).toThrow(StreamingOptionsError);
    expect(() => resolveOptions({ auth } as StreamingModuleOptions)).toThrow(message);
  });

  it('accepts a secret with an RSA key, narrowed algorithms, and fills in the grace delays', () => {
    const { auth } = resolveOptions({ auth: { jwt: { secret: 's', publicKey: rsaPem, algorithms: ['HS256', 'RS256'] } } });
    expect(auth).toMatchObject({ expiredCloseDelay: 25, expiredSubCloseDelay: 25 });
  });

  it('warns at start-up when no client could ever connect, and only then', async () => {
    expect(await startUpWarnings({})).toEqual([expect.stringMatching(/^no client can connect: auth has no jwt key, no authenticator and anonymous is off/)]);
    expect(await startUpWarnings({ auth: { jwt: { secret: 's' } } })).toEqual([]);
    expect(await startUpWarnings({ auth: { anonymous: true } })).toEqual([]);
  });
});

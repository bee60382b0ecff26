import { Inject, Injectable, Logger, type InjectionToken, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { ResolvedStreamingOptions } from '../options/resolve-options.js';
import { STREAMING_OPTIONS } from '../streaming.constants.js';
import type { AuthenticatorProvider } from './authenticator-provider.js';
import type { Authenticator, ConnectCredentials, Identity } from './authenticator.interface.js';
import { JwtAuthenticator } from './jwt-authenticator.js';

function nameOf(token: InjectionToken): string {
  return typeof token === 'function' ? token.name : String(token);
}

/**
 * The configured `Authenticator`, resolved in `onModuleInit`: by then every provider of the app
 * exists, so `useExisting` and a factory's `inject` may name providers of any module, in any order.
 * Optional methods are present exactly when the resolved authenticator has them.
 */
@Injectable()
export class AuthenticatorHost implements Authenticator, OnModuleInit {
  private target?: Authenticator;
  refresh?: Authenticator['refresh'];
  authorizeSubscription?: Authenticator['authorizeSubscription'];
  refreshSubscription?: Authenticator['refreshSubscription'];

  constructor(
    @Inject(STREAMING_OPTIONS) private readonly options: ResolvedStreamingOptions,
    private readonly moduleRef: ModuleRef,
  ) {}

  async onModuleInit(): Promise<void> {
    const { jwt, authenticator, anonymous } = this.options.auth;
    if (!jwt && !authenticator && !anonymous) {
      // Not an error: an app may start before its keys are wired; but every client would be refused.
      new Logger('Streaming').warn(
        'no client can connect: auth has no jwt key, no authenticator and anonymous is off (set auth.jwt, auth.authenticator or auth.anonymous)',
      );
    }
    const target = await this.resolve(this.options.auth.authenticator ?? JwtAuthenticator);
    if (typeof target?.authenticate !== 'function') {
      throw new Error('StreamingModule options: auth.authenticator gave no Authenticator (no authenticate method)');
    }
    this.target = target;
    this.refresh = target.refresh?.bind(target);
    this.authorizeSubscription = target.authorizeSubscription?.bind(target);
    this.refreshSubscription = target.refreshSubscription?.bind(target);
  }

  authenticate(credentials: ConnectCredentials): Promise<Identity> {
    return this.target!.authenticate(credentials);
  }

  private async resolve(provider: AuthenticatorProvider): Promise<Authenticator> {
    if (typeof provider === 'function') return this.moduleRef.create(provider);
    if ('useClass' in provider) return this.moduleRef.create(provider.useClass);
    if ('useExisting' in provider) return this.lookup(provider.useExisting);
    return provider.useFactory(...(provider.inject ?? []).map((token) => this.lookup(token)));
  }

  private lookup(token: InjectionToken): any {
    try {
      return this.moduleRef.get(token, { strict: false });
    } catch (err) {
      throw new Error(`StreamingModule options: auth.authenticator needs ${nameOf(token)}, which no module provides`, { cause: err });
    }
  }
}

import type { InjectionToken, Type } from '@nestjs/common';
import type { Authenticator } from './authenticator.interface.js';

/**
 * Where the `Authenticator` comes from:
 * - a class, or `{ useClass }`: created with DI inside the streaming module (its dependencies must
 *   be visible there: global providers, or modules in `forRootAsync({ imports })`);
 * - `{ useExisting: token }`: a provider the application already has, in any module;
 * - `{ useFactory, inject }`: the factory's result; `inject` may name providers of any module.
 */
export type AuthenticatorProvider =
  | Type<Authenticator>
  | { useClass: Type<Authenticator> }
  | { useExisting: InjectionToken }
  | { useFactory: (...deps: any[]) => Authenticator | Promise<Authenticator>; inject?: InjectionToken[] };

/** The shape problem of an `auth.authenticator` value, or undefined when it is usable. */
export function authenticatorProviderProblem(value: unknown): string | undefined {
  if (typeof value === 'function') return undefined;
  if (typeof value !== 'object' || value === null) return 'must be a class or { useClass | useExisting | useFactory }';
  const provider = value as Record<string, unknown>;
  const kinds = ['useClass', 'useExisting', 'useFactory'].filter((k) => provider[k] !== undefined);
  if (kinds.length !== 1) return `must have exactly one of useClass, useExisting, useFactory (got ${kinds.join(', ') || 'none'})`;
  if (provider.useClass !== undefined && typeof provider.useClass !== 'function') return 'useClass must be a class';
  if (provider.useFactory !== undefined && typeof provider.useFactory !== 'function') return 'useFactory must be a function';
  if (provider.inject !== undefined && (provider.useFactory === undefined || !Array.isArray(provider.inject))) {
    return 'inject must be an array, next to useFactory';
  }
  return undefined;
}

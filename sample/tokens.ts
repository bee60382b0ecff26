import { parseArgs } from 'node:util';
import { SignJWT } from 'jose';

export interface TokenOptions {
  /** Goes to the `roles` claim, which the server puts in `ClientInfo.roles`. */
  roles?: string[];
  /** Lifetime in seconds; default one hour. */
  ttl?: number;
}

function signed(secret: string, user: string, claims: Record<string, unknown>, ttl: number): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(user)
    .setIssuedAt(now)
    .setExpirationTime(now + ttl)
    .sign(new TextEncoder().encode(secret));
}

/** A connection token as the server expects it: HS256, the user in `sub`. */
export function signToken(secret: string, user: string, { roles, ttl = 3600 }: TokenOptions = {}): Promise<string> {
  return signed(secret, user, roles?.length ? { roles } : {}, ttl);
}

/** A subscription token: lets `user` subscribe to `channel` where the namespace wants a token. */
export function signSubscriptionToken(secret: string, user: string, channel: string, ttl = 3600): Promise<string> {
  return signed(secret, user, { channel }, ttl);
}

const usage = 'usage: npm run sample:token -- <user> [--roles a,b] [--ttl seconds] [--channel c]';

/** The token `npm run sample:token -- <args>` prints: a subscription token with `--channel`, else a connection token. */
export async function tokenFromArgs(args: string[], secret: string): Promise<string> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { roles: { type: 'string' }, ttl: { type: 'string' }, channel: { type: 'string' } },
  });
  const [user] = positionals;
  if (positionals.length !== 1 || !user) throw new Error(usage);
  const ttl = Number(values.ttl ?? 3600);
  if (!Number.isInteger(ttl) || ttl <= 0) throw new Error(`--ttl takes a positive whole number of seconds\n${usage}`);
  if (values.channel !== undefined) {
    // Roles belong to the connection; a subscription token carrying them would suggest they count there.
    if (values.roles !== undefined) throw new Error(`--roles goes in connection tokens, not with --channel\n${usage}`);
    if (!values.channel) throw new Error(`--channel takes a channel name\n${usage}`);
    return signSubscriptionToken(secret, user, values.channel, ttl);
  }
  const roles = values.roles?.split(',').map((role) => role.trim()).filter(Boolean);
  return signToken(secret, user, { roles, ttl });
}

import { parseArgs } from 'node:util';
import { SignJWT } from 'jose';

export interface TokenOptions {
  /** Goes to the `roles` claim, which the server puts in `ClientInfo.roles`. */
  roles?: string[];
  /** Lifetime in seconds; default one hour. */
  ttl?: number;
}

/** A connection token as the server expects it: HS256, the user in `sub`. */
export function signToken(secret: string, user: string, { roles, ttl = 3600 }: TokenOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(roles?.length ? { roles } : {})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(user)
    .setIssuedAt(now)
    .setExpirationTime(now + ttl)
    .sign(new TextEncoder().encode(secret));
}

const usage = 'usage: npm run sample:token -- <user> [--roles a,b] [--ttl seconds]';

/** The token `npm run sample:token -- <args>` prints. */
export async function tokenFromArgs(args: string[], secret: string): Promise<string> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { roles: { type: 'string' }, ttl: { type: 'string' } },
  });
  const [user] = positionals;
  if (positionals.length !== 1 || !user) throw new Error(usage);
  const ttl = Number(values.ttl ?? 3600);
  if (!Number.isInteger(ttl) || ttl <= 0) throw new Error(`--ttl takes a positive whole number of seconds\n${usage}`);
  const roles = values.roles?.split(',').map((role) => role.trim()).filter(Boolean);
  return signToken(secret, user, { roles, ttl });
}

import { parseArgs } from 'node:util';
import type { StreamingTokens } from '@streaming/nest';

const usage = 'usage: npm run sample:token -- <user> [--roles a,b] [--ttl seconds] [--channel c]';

/** The token `npm run sample:token -- <args>` prints: a subscription token with `--channel`, else a connection token. */
export async function tokenFromArgs(args: string[], tokens: StreamingTokens): Promise<string> {
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
    return tokens.subscriptionToken(user, values.channel, { ttl });
  }
  const roles = values.roles?.split(',').map((role) => role.trim()).filter(Boolean);
  return tokens.connectionToken(user, { roles: roles?.length ? roles : undefined, ttl });
}

/** `npm run sample:token -- <user> [--roles a,b] [--ttl seconds] [--channel c]`: prints a connection or subscription token. */
import { configWarnings, loadConfig } from './config.js';
import { tokenFromArgs } from './tokens.js';

const config = loadConfig();
// Warnings go to stderr so that `TOKEN=$(npm run -s sample:token -- alice)` captures only the token.
if (config.devSecret) console.error(`warning: ${configWarnings(config)[0]}`);
try {
  console.log(await tokenFromArgs(process.argv.slice(2), config.secret));
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
}

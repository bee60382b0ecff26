/** `npm run sample:token -- <user> [--roles a,b] [--ttl seconds] [--channel c]`: prints a connection or subscription token. */
import { NestFactory } from '@nestjs/core';
import { StreamingTokens } from '@streaming/nest';
import { AppModule } from './app.module.js';
import { configWarnings, loadConfig } from './config.js';
import { tokenFromArgs } from './tokens.js';

const config = loadConfig();
// Warnings go to stderr so that `TOKEN=$(npm run -s sample:token -- alice)` captures only the token.
if (config.devSecret) console.error(`warning: ${configWarnings(config)[0]}`);
// The app's own module, without an HTTP server: tokens are signed exactly as the server expects them.
const app = await NestFactory.createApplicationContext(AppModule.forRoot(config), { logger: false });
try {
  console.log(await tokenFromArgs(process.argv.slice(2), app.get(StreamingTokens)));
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
} finally {
  await app.close();
}

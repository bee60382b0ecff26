// Our module in a minimal Nest app; publications go through StreamingManager, as an app's would.
// One JSON argument: { compression, redis: { url, prefix }, idle }: permessage-deflate on every frame,
// the Redis backend, and for the idle scenario JWT users instead of anonymous clients.
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { StreamingManager, StreamingModule } from '../../dist/index.js';
import { CHANNEL } from '../channel.mjs';
import { BENCH_SECRET } from '../clients/token.mjs';
import { serve } from './server-harness.mjs';

const config = JSON.parse(process.argv[2] ?? '{}');

// Plain .mjs has no decorator syntax: apply @Module by hand.
class BenchModule {}
Module({
  imports: [
    StreamingModule.forRoot({
      auth: config.idle ? { jwt: { secret: BENCH_SECRET } } : { anonymous: true },
      namespaces: { bench: { allowSubscribeForAnonymous: true } },
      // The load clients send their commands at once; a rate limit would only measure itself.
      limits: { commandsPerSecond: 0 },
      // Threshold 0: the bench's frames are small, and the row is there to show what compressing costs.
      ...(config.compression ? { delivery: { compression: { threshold: 0 } } } : {}),
      ...(config.redis ? { backend: { type: 'redis', url: config.redis.url, prefix: config.redis.prefix } } : {}),
    }),
  ],
})(BenchModule);

const app = await NestFactory.create(BenchModule, { logger: ['error', 'warn'] });
await app.listen(0, '127.0.0.1');
const manager = app.get(StreamingManager);
serve(
  app.getHttpServer().address().port,
  (message) => manager.publish(CHANNEL, message),
  () => manager.stats().numClients,
);

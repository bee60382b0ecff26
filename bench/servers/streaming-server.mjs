// Our module in a minimal Nest app; publications go through StreamingManager, as an app's would.
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { StreamingManager, StreamingModule } from '../../dist/index.js';
import { CHANNEL } from '../channel.mjs';
import { serve } from './server-harness.mjs';

// Plain .mjs has no decorator syntax: apply @Module by hand.
class BenchModule {}
Module({
  imports: [
    StreamingModule.forRoot({
      auth: { anonymous: true },
      namespaces: { bench: { allowSubscribeForAnonymous: true } },
      // The load clients send two commands each; a rate limit would only measure itself.
      limits: { commandsPerSecond: 0 },
    }),
  ],
})(BenchModule);

const app = await NestFactory.create(BenchModule, { logger: ['error', 'warn'] });
await app.listen(0, '127.0.0.1');
const manager = app.get(StreamingManager);
serve(app.getHttpServer().address().port, (message) => manager.publish(CHANNEL, message));

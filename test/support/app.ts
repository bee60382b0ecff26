import { Module, type DynamicModule, type INestApplication, type Provider } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { AddressInfo } from 'node:net';
import { StreamingModule, type StreamingModuleOptions } from '../../lib/index.js';

export interface TestApp {
  app: INestApplication;
  port: number;
  wsUrl: string;
  close(): Promise<void>;
}

/** A real Nest app with StreamingModule on an ephemeral port. */
export async function startApp(options: StreamingModuleOptions, providers: Provider[] = [], streamingModule?: DynamicModule): Promise<TestApp> {
  @Module({ imports: [streamingModule ?? StreamingModule.forRoot(options)], providers })
  class TestModule {}
  const app = await NestFactory.create(TestModule, { logger: process.env.TEST_LOGS ? undefined : false });
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as AddressInfo).port;
  return {
    app,
    port,
    wsUrl: `ws://127.0.0.1:${port}/connection/websocket`,
    close: () => app.close(),
  };
}

import { Module, type DynamicModule, type INestApplication, type Provider } from '@nestjs/common';
import { NestFactory, type AbstractHttpAdapter } from '@nestjs/core';
import type { AddressInfo } from 'node:net';
import { StreamingModule, type StreamingModuleOptions } from '../../lib/index.js';

export interface TestApp {
  app: INestApplication;
  port: number;
  wsUrl: string;
  /** `http://127.0.0.1:<port>`. */
  httpUrl: string;
  close(): Promise<void>;
}

export interface StartAppExtras {
  /** Express (Nest's default) unless given, e.g. `new FastifyAdapter()`. */
  httpAdapter?: AbstractHttpAdapter;
  imports?: Array<DynamicModule | (new () => unknown)>;
  controllers?: Array<new (...args: any[]) => unknown>;
}

/** A real Nest app with StreamingModule on an ephemeral port. */
export async function startApp(
  options: StreamingModuleOptions,
  providers: Provider[] = [],
  streamingModule?: DynamicModule,
  extras: StartAppExtras = {},
): Promise<TestApp> {
  @Module({ imports: [streamingModule ?? StreamingModule.forRoot(options), ...(extras.imports ?? [])], providers, controllers: extras.controllers ?? [] })
  class TestModule {}
  const logger = process.env.TEST_LOGS ? undefined : false;
  const app = extras.httpAdapter
    ? await NestFactory.create(TestModule, extras.httpAdapter, { logger })
    : await NestFactory.create(TestModule, { logger });
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as AddressInfo).port;
  return {
    app,
    port,
    wsUrl: `ws://127.0.0.1:${port}/connection/websocket`,
    httpUrl: `http://127.0.0.1:${port}`,
    close: () => app.close(),
  };
}

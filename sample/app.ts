import type { NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppModule } from './app.module.js';
import type { SampleConfig } from './config.js';

// sample/ (the sources, as tests run them) and .sample-build/ (compiled) are siblings, so this
// path finds the page from both.
const publicDir = fileURLToPath(new URL('../sample/public/', import.meta.url));
// The SDK's browser bundle is not in its package exports: find it beside the entry that is.
const sdkBundleDir = join(dirname(createRequire(import.meta.url).resolve('centrifuge')), '..', 'dist');

/** The sample app, not listening yet: the chat page at `/`, the SDK at `/vendor/centrifuge.js`. */
export async function createSampleApp(config: SampleConfig, options: NestApplicationOptions = {}): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), options);
  app.useStaticAssets(publicDir);
  app.useStaticAssets(sdkBundleDir, { prefix: '/vendor/' });
  return app;
}

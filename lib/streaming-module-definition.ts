import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { StreamingModuleOptions } from './options/streaming-options.interface.js';

/** forRoot / forRootAsync (useFactory, useClass, useExisting + inject) and `isGlobal`. */
export const {
  ConfigurableModuleClass: StreamingConfigurableModule,
  MODULE_OPTIONS_TOKEN: STREAMING_MODULE_OPTIONS,
  OPTIONS_TYPE: STREAMING_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: STREAMING_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<StreamingModuleOptions>({ moduleName: 'Streaming' })
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createStreamingOptions')
  .setExtras({ isGlobal: false }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();

import { Module, type DynamicModule } from '@nestjs/common';
import { StreamingModule } from '@streaming/nest';
import { ChatHandlers } from './chat.handlers.js';
import { loadConfig, SAMPLE_CONFIG, type SampleConfig } from './config.js';
import { DevTokenController } from './dev-token.controller.js';

@Module({})
export class AppModule {
  static forRoot(config: SampleConfig = loadConfig()): DynamicModule {
    return {
      module: AppModule,
      imports: [
        StreamingModule.forRoot({
          // Anonymous visitors may connect, and read public:* only.
          auth: { jwt: { secret: config.secret }, anonymous: true },
          namespaces: {
            // Rooms: members see who is here, and a reconnecting tab recovers what it missed.
            chat: {
              presence: true,
              joinLeave: true,
              forcePushJoinLeave: true,
              historySize: 100,
              historyTtl: 3600,
              forceRecovery: true,
              allowPublishForSubscriber: true,
            },
            // Read by anyone; only the server publishes here.
            public: { allowSubscribeForAnonymous: true },
          },
        }),
      ],
      controllers: config.devTokens ? [DevTokenController] : [],
      providers: [{ provide: SAMPLE_CONFIG, useValue: config }, ChatHandlers],
    };
  }
}

import { Module, type DynamicModule } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { TerminusModule } from '@nestjs/terminus';
import { Permission, Presets, StreamingModule } from '@streaming/nest';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { ChatHandlers } from './chat.handlers.js';
import { HealthController } from './health.controller.js';
import { RoomActivity } from './room-activity.js';
import { RoomsHandlers } from './rooms.handlers.js';
import { loadConfig, SAMPLE_CONFIG, type SampleConfig } from './config.js';
import { DevTokenController } from './dev-token.controller.js';

@Module({})
export class AppModule {
  static forRoot(config: SampleConfig = loadConfig()): DynamicModule {
    // The app's registry: streaming's metrics beside the process's own, all at /metrics.
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    return {
      module: AppModule,
      imports: [
        // Streaming's app events (`@OnEvent('streaming.connected')`...) go through this emitter.
        EventEmitterModule.forRoot(),
        TerminusModule,
        StreamingModule.forRoot({
          // STREAMING_BACKEND=redis: every node on the same Redis is one system (delivery, presence, history, rooms).
          ...(config.redisUrl ? { backend: { type: 'redis' as const, url: config.redisUrl } } : {}),
          // Anonymous visitors may connect, and read public:* only.
          auth: { jwt: { secret: config.secret }, anonymous: true },
          // Channels without a namespace (`plain`) are not part of the sample: nobody subscribes there without a subscription token.
          channel: { allowSubscribeForClient: false },
          namespaces: {
            // Rooms: members see who is here, and a reconnecting tab recovers what it missed (a preset, one field changed).
            // Messages have ids, edits, deletes, reactions and read positions; rooms made on the page are chat:<name>.
            chat: { preset: 'chat', historyTtl: 3600, messages: true },
            // Private rooms: like chat, but subscribing takes a subscription token from the app.
            team: { ...Presets.Chat, historyTtl: 3600, allowSubscribeForClient: false, messages: true },
            // Direct messages: `dm:#alice,bob` admits alice and bob only, and nothing without a `#`.
            dm: { preset: 'chat', allowSubscribeForClient: false, messages: true },
            // `personal:#alice`: alice's inbox, which only the server writes.
            personal: Presets.Personal,
            // Read by anyone; only the server publishes here.
            public: Presets.Public,
            // For admins only: see the rule below.
            admin: { preset: 'chat' },
          },
          // One visitor cannot take the node: a socket must connect within 5 s, a user holds 100 connections
          // and, in a chat room, 10 of its slots (the preset). No per-address attempt rate here: load tests of the
          // sample come from one address; in production see README, "For production".
          websocket: { connectTimeout: 5 },
          // Where WebSocket is blocked the page falls back to HTTP streaming, then SSE; uni_sse
          // serves plain EventSource clients (`/connection/uni_sse?cf_connect={"token":"..."}`).
          transports: { httpStream: true, sse: true, uniSse: true },
          limits: { maxConnectionsPerUser: 100 },
          permissions: {
            rules: [
              // Nobody but a token with `roles: ["admin"]` reads or writes admin:*; anonymous clients never.
              { pattern: 'admin:*', requireAuth: true, roles: { admin: Permission.All } },
            ],
          },
          // Other services publish, subscribe and disconnect through POST /api/<method> with this key.
          ...(config.apiKey ? { api: { key: config.apiKey } } : {}),
          ...(config.webhook ? { webhooks: { endpoints: [config.webhook] } } : {}),
          metrics: { enabled: true, registry },
          // Operators watch and act at /admin (STREAMING_ADMIN_PASSWORD).
          admin: { enabled: true, password: config.adminPassword },
        }),
      ],
      controllers: [HealthController, ...(config.devTokens ? [DevTokenController] : [])],
      providers: [{ provide: SAMPLE_CONFIG, useValue: config }, ChatHandlers, RoomsHandlers, RoomActivity],
    };
  }
}

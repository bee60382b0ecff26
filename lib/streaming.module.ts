import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { AdminServer } from './admin/admin.server.js';
import { ChannelActivity } from './admin/channel-activity.observer.js';
import { ApiExecutor } from './api/api-executor.js';
import { HttpApiServer } from './api/http-api.server.js';
import { AuthenticatorHost } from './auth/authenticator-host.js';
import { StreamingTokens } from './auth/streaming-tokens.js';
import { createBackend } from './backends/create-backend.js';
import { IDEMPOTENCY_STORE } from './idempotency/idempotency-store.interface.js';
import { LIMIT_STORE } from './limits/limit-store.interface.js';
import { ChannelResolver } from './engine/channel-resolver.js';
import { noMeter, type EngineMeter } from './engine/engine-meter.js';
import { Node } from './engine/node.js';
import { EventEmitterObserver } from './events/event-emitter.observer.js';
import type { StreamingObserver } from './events/streaming-observer.interface.js';
import { HandlerRegistry } from './handlers/handler-registry.js';
import { StreamingManager } from './manager/streaming-manager.js';
import { resolveOptions, type ResolvedStreamingOptions } from './options/resolve-options.js';
import { StreamingHealthIndicator } from './observability/streaming-health.indicator.js';
import { MetricsServer } from './metrics/metrics.server.js';
import { StreamingMetrics } from './metrics/streaming-metrics.js';
import { PresenceTracker } from './presence/presence-tracker.js';
import { PresenceHandlers } from './presence/presence.handlers.js';
import { USER_STATUS_STORE } from './presence/user-status-store.interface.js';
import { TypingTracker } from './typing/typing-tracker.js';
import { MessageHandlers } from './messages/message.handlers.js';
import { MESSAGE_STATE_STORE } from './messages/message-state-store.interface.js';
import { MessageStore } from './messages/message-store.service.js';
import { MESSAGE_POLICY } from './messages/message-policy.interface.js';
import { RoleMessagePolicy } from './messages/role-message-policy.js';
import { RoomAccess } from './rooms/room-access.js';
import { ROOM_STORE, type RoomStore } from './rooms/room-store.interface.js';
import { RoomService } from './rooms/room.service.js';
import { TypingHandlers } from './typing/typing.handlers.js';
import type { Backend } from './backends/backend.interface.js';
import { CHANNEL_ACCESS } from './permissions/channel-access.interface.js';
import { PermissionChecker } from './permissions/permission-checker.js';
import { AUTHENTICATOR, BACKEND, ENGINE_METER, HANDLER_HOOKS, STREAMING_OBSERVERS, STREAMING_OPTIONS } from './streaming.constants.js';
import { STREAMING_MODULE_OPTIONS, StreamingConfigurableModule } from './streaming-module-definition.js';
import { ConnectionAdmission } from './transport/connection-admission.js';
import { HttpFallbackTransport } from './transport/http-fallback.transport.js';
import { WebSocketTransport } from './transport/websocket.transport.js';
import { WebhookDeadLetters } from './webhooks/webhook-dead-letters.js';
import { WebhookDispatcher } from './webhooks/webhook-dispatcher.js';

@Module({
  imports: [DiscoveryModule],
  providers: [
    { provide: STREAMING_OPTIONS, useFactory: resolveOptions, inject: [STREAMING_MODULE_OPTIONS] },
    {
      provide: BACKEND,
      useFactory: async (o: ResolvedStreamingOptions, meter: EngineMeter) => meter.meterBackend(await createBackend(o)),
      inject: [STREAMING_OPTIONS, ENGINE_METER],
    },
    {
      provide: LIMIT_STORE,
      useFactory: (o: ResolvedStreamingOptions, backend: Backend) => o.limits.store ?? backend.limits,
      inject: [STREAMING_OPTIONS, BACKEND],
    },
    {
      provide: IDEMPOTENCY_STORE,
      useFactory: (o: ResolvedStreamingOptions, backend: Backend) => o.idempotencyStore ?? backend.idempotency,
      inject: [STREAMING_OPTIONS, BACKEND],
    },
    // Resolves the configured authenticator once options and the app's providers exist.
    { provide: AUTHENTICATOR, useClass: AuthenticatorHost },
    HandlerRegistry,
    { provide: HANDLER_HOOKS, useExisting: HandlerRegistry },
    {
      provide: ChannelResolver,
      useFactory: (o: ResolvedStreamingOptions) => new ChannelResolver(o.channel, o.namespaces, o.maxChannelLength),
      inject: [STREAMING_OPTIONS],
    },
    PermissionChecker,
    { provide: ROOM_STORE, useFactory: (backend: Backend) => backend.rooms, inject: [BACKEND] },
    {
      // The app's `channelAccess` first, then the room rules.
      provide: CHANNEL_ACCESS,
      useFactory: (o: ResolvedStreamingOptions, rooms: RoomStore) => new RoomAccess(rooms, o.rooms.roles, o.channelAccess),
      inject: [STREAMING_OPTIONS, ROOM_STORE],
    },
    EventEmitterObserver,
    WebhookDispatcher,
    {
      // Null when metrics are off: nothing is registered and the engine measures nothing.
      provide: StreamingMetrics,
      useFactory: (o: ResolvedStreamingOptions) => (o.metrics ? new StreamingMetrics(o.metrics) : null),
      inject: [STREAMING_OPTIONS],
    },
    {
      provide: ENGINE_METER,
      useFactory: (metrics: StreamingMetrics | null) => metrics ?? noMeter,
      inject: [StreamingMetrics],
    },
    {
      // Everything that watches the node; the node calls them in this order.
      provide: STREAMING_OBSERVERS,
      useFactory: (
        o: ResolvedStreamingOptions,
        events: EventEmitterObserver,
        webhooks: WebhookDispatcher,
        metrics: StreamingMetrics | null,
        activity: ChannelActivity,
      ): StreamingObserver[] => [...(metrics ? [metrics] : []), events, ...(webhooks.enabled ? [webhooks] : []), ...(o.admin ? [activity] : [])],
      inject: [STREAMING_OPTIONS, EventEmitterObserver, WebhookDispatcher, StreamingMetrics, ChannelActivity],
    },
    Node,
    ConnectionAdmission,
    WebSocketTransport,
    HttpFallbackTransport,
    StreamingManager,
    StreamingTokens,
    ApiExecutor,
    HttpApiServer,
    MetricsServer,
    ChannelActivity,
    AdminServer,
    StreamingHealthIndicator,
    WebhookDeadLetters,
    { provide: USER_STATUS_STORE, useFactory: (backend: Backend) => backend.userStatus, inject: [BACKEND] },
    PresenceTracker,
    PresenceHandlers,
    TypingTracker,
    TypingHandlers,
    RoomService,
    { provide: MESSAGE_STATE_STORE, useFactory: (backend: Backend) => backend.messages, inject: [BACKEND] },
    MessageStore,
    {
      provide: MESSAGE_POLICY,
      useFactory: (options: ResolvedStreamingOptions, rooms: RoomService) => options.messages.policy ?? new RoleMessagePolicy(rooms),
      inject: [STREAMING_OPTIONS, RoomService],
    },
    MessageHandlers,
  ],
  exports: [StreamingManager, PermissionChecker, StreamingTokens, StreamingHealthIndicator, WebhookDeadLetters, PresenceTracker, TypingTracker, RoomService, MessageStore],
})
export class StreamingModule extends StreamingConfigurableModule {}

export { StreamingModule } from './streaming.module.js';
export { STREAMING_ASYNC_OPTIONS_TYPE, STREAMING_OPTIONS_TYPE } from './streaming-module-definition.js';
export type {
  AdminAuthorize,
  AdminOptions,
  AuthOptions,
  BackendOptions,
  FallbackTransportOption,
  HttpApiOptions,
  JwtOptions,
  LimitsOptions,
  MemoryBackendOptions,
  MessagesOptions,
  MetricsOptions,
  PresenceStatusOptions,
  RoomsOptions,
  ShutdownOptions,
  StreamingModuleOptions,
  TransportsOptions,
  TypingOptions,
  WebhookEndpointOptions,
  WebhooksOptions,
  WebSocketOptions,
} from './options/streaming-options.interface.js';
export type { CompressionOptions, DeliveryOptions } from './options/delivery-options.js';
export type { NamespaceOptions } from './options/namespace-options.js';
export type { DeltaType } from './delivery/delta-publication.js';
export { StreamingOptionsError } from './options/streaming-options-error.js';
export { StreamingTokenError } from './auth/streaming-token-error.js';

export { StreamingManager } from './manager/streaming-manager.js';
export type {
  DisconnectOptions,
  HistoryReadOptions,
  NodeStats,
  PublishOptions,
  RefreshOptions,
  SubscribeOptions,
} from './manager/streaming-manager.js';
export type { HistoryPage } from './history/history-store.interface.js';
export type { NodeInfo } from './broker/broker.interface.js';
export { LIMIT_STORE } from './limits/limit-store.interface.js';
export type { LimitStore } from './limits/limit-store.interface.js';
export { IDEMPOTENCY_STORE } from './idempotency/idempotency-store.interface.js';
export type { IdempotencyRecord, IdempotencyStore } from './idempotency/idempotency-store.interface.js';

export type {
  Authenticator,
  ConnectCredentials,
  Identity,
  ServerSubscription,
  SubscriptionGrant,
  SubscriptionOverride,
} from './auth/authenticator.interface.js';
export type { AuthenticatorProvider } from './auth/authenticator-provider.js';
export type { JwtAlgorithm } from './auth/jwt-algorithms.js';
export { JwtAuthenticator } from './auth/jwt-authenticator.js';
export { StreamingTokens } from './auth/streaming-tokens.js';
export type { ConnectionTokenOptions, SubscriptionTokenOptions } from './auth/streaming-tokens.js';

export type { ClientInfo } from './engine/client-info.js';
export type { TransportName } from './delivery/connection.interface.js';
export type { TrustProxy } from './transport/client-address.js';
export type {
  ConnectHookResult,
  PublishHookResult,
  SubscribeHookResult,
} from './engine/handler-hooks.interface.js';

export {
  OnConnect,
  OnDisconnect,
  OnMessage,
  OnPublish,
  OnRpc,
  OnSubscribe,
  OnUnsubscribe,
  StreamingHandlers,
} from './handlers/handler.decorators.js';
export { ChannelName, ConnectedClient, StreamingBody } from './handlers/param.decorators.js';
export type { HandlerExtra } from './handlers/handler-args.js';

export { DisconnectCode, ErrorCode, UnsubscribeCode } from './protocol/codes.js';
export { DisconnectError, StreamingError } from './protocol/protocol-error.js';
export type { Publication, StreamPosition, WireClientInfo } from './protocol/frames.js';

export { Permission } from './permissions/permission.enum.js';
export { PermissionChecker } from './permissions/permission-checker.js';
export type { PermissionContext, PermissionSubject } from './permissions/permission-checker.js';
export type { ChannelRule, PermissionsOptions } from './permissions/channel-rule.interface.js';
export type { ChannelAccess, ChannelAccessRequest } from './permissions/channel-access.interface.js';
export { Presets } from './permissions/presets.js';
export type { PresetName } from './options/namespace-options.js';
export { ChannelGuard } from './permissions/channel.guard.js';
export { AllowAnonymous, RequirePermissions, RequireRoles } from './permissions/permission.decorators.js';

export { StreamingEvents } from './events/streaming-events.js';
export type {
  ChannelEvent,
  ConnectedEvent,
  DisconnectedEvent,
  PresenceChangedEvent,
  PublishedEvent,
  StreamingEvent,
  StreamingEventName,
  StreamingEventPayloads,
  SubscribedEvent,
  UnsubscribedEvent,
} from './events/streaming-events.js';

export { StreamingHealthIndicator } from './observability/streaming-health.indicator.js';
export type { ReadinessOptions, StreamingHealthDetails, StreamingHealthResult } from './observability/streaming-health.indicator.js';

export { WebhookDeadLetters } from './webhooks/webhook-dead-letters.js';
export type { WebhookDeadLetter } from './webhooks/webhook-dead-letter-store.js';
export { verifyWebhookSignature, WebhookHeaders } from './webhooks/webhook-signature.js';

export { PresenceTracker, PRESENCE_TYPE } from './presence/presence-tracker.js';
export type { OnlineUser } from './presence/presence-tracker.js';
export type { StatusName, UserStatus } from './presence/user-status.js';
export { USER_STATUS_STORE } from './presence/user-status-store.interface.js';
export type { UserStatusStore } from './presence/user-status-store.interface.js';
export { TypingTracker, TYPING_TYPE } from './typing/typing-tracker.js';
export { RoomService } from './rooms/room.service.js';
export type { CreateRoomInput, RoomPatch } from './rooms/room.service.js';
export { MEMBER_TYPE } from './rooms/room.js';
export type { Room, RoomAction, RoomMember, RoomRole } from './rooms/room.js';
export { ROOM_STORE } from './rooms/room-store.interface.js';
export type { MembersPage, RoomStore } from './rooms/room-store.interface.js';
export { MessageStore } from './messages/message-store.service.js';
export { MessageTypes } from './messages/message-state.js';
export type { MessageState } from './messages/message-state.js';
export { MESSAGE_STATE_STORE } from './messages/message-state-store.interface.js';
export type { MessageStateStore } from './messages/message-state-store.interface.js';
export { MESSAGE_POLICY } from './messages/message-policy.interface.js';
export type { MessageChangeRequest, MessagePolicy } from './messages/message-policy.interface.js';
export { RoleMessagePolicy } from './messages/role-message-policy.js';

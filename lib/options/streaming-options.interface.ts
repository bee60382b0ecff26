import type { JWK } from 'jose';
import type { Registry } from 'prom-client';
import type { AuthenticatorProvider } from '../auth/authenticator-provider.js';
import type { JwtAlgorithm } from '../auth/jwt-algorithms.js';
import type { StreamingEventName } from '../events/streaming-events.js';
import type { PermissionsOptions } from '../permissions/channel-rule.interface.js';
import type { ChannelAccess } from '../permissions/channel-access.interface.js';
import type { IdempotencyStore } from '../idempotency/idempotency-store.interface.js';
import type { LimitStore } from '../limits/limit-store.interface.js';
import type { TrustProxy } from '../transport/client-address.js';
import type { DeliveryOptions } from './delivery-options.js';
import type { NamespaceOptions } from './namespace-options.js';
import type { BackendOptions } from './backend-options.interface.js';
import type { AdminOptions, MessagesOptions, PresenceStatusOptions, RoomsOptions, TypingOptions } from './service-options.interface.js';

export type { BackendOptions, MemoryBackendOptions, RedisBackendOptions } from './backend-options.interface.js';
export type { AdminAuthorize, AdminOptions, MessagesOptions, PresenceStatusOptions, RoomsOptions, TypingOptions } from './service-options.interface.js';

export interface JwtOptions {
  /** HMAC secret: HS256, HS384 and HS512 tokens. */
  secret?: string;
  /** RSA or EC public key, PEM (SPKI or certificate) or JWK: RS256/384/512, or the ES algorithm of the curve. */
  publicKey?: string | JWK;
  /**
   * RSA or EC private key, PEM (PKCS#8, PKCS#1, SEC1) or JWK, that `StreamingTokens` signs with
   * (preferred over `secret`). Its public half verifies tokens unless `publicKey` or `jwksUrl` is set;
   * with `publicKey` the two must be a pair.
   */
  privateKey?: string | JWK;
  /** JWKS endpoint for RS and ES tokens (cached, refetched for an unknown `kid`); not with `publicKey`. */
  jwksUrl?: string;
  /** Seconds the fetched key set is kept before it is fetched again. Default 600. */
  jwksCacheMaxAge?: number;
  /** Seconds at least between two fetches for an unknown `kid` (rotated keys). Default 30. */
  jwksCooldown?: number;
  /** Narrows the accepted algorithms; default every algorithm the configured keys verify. */
  algorithms?: JwtAlgorithm[];
  /** Required `aud` claim, when set. */
  audience?: string;
  /** Required `iss` claim, when set. */
  issuer?: string;
}

export interface AuthOptions {
  /** Verify connection and subscription tokens as JWT. */
  jwt?: JwtOptions;
  /** Accept connections without a token as anonymous (user ""). Default false. */
  anonymous?: boolean;
  /** Replace the JWT authenticator (session cookies, API keys, your own user service). */
  authenticator?: AuthenticatorProvider;
  /** Seconds an expired connection may still send `refresh` before it is closed with 3005. Default 25. */
  expiredCloseDelay?: number;
  /** Seconds an expired subscription may still send `sub_refresh` before it is ended with 2501. Default 25. */
  expiredSubCloseDelay?: number;
}

export interface WebSocketOptions {
  /** Path of the WebSocket endpoint. Default `/connection/websocket`. */
  path?: string;
  /** Largest inbound frame in bytes; larger frames close the connection with 1009. Default 65536. */
  maxMessageSize?: number;
  /** Bytes queued to one connection before it is dropped as slow (3008). Default 4 MiB. */
  maxQueueSize?: number;
  /** Commands of one connection waiting to be handled before it is dropped (3013). Default 256. */
  maxPendingCommands?: number;
  /** Seconds between server pings. Default 25; 0 disables pings. */
  pingInterval?: number;
  /** Seconds to wait for the client's pong before disconnecting with 3012. Default 8. */
  pongTimeout?: number;
  /** Seconds a socket may stay open without sending `connect`, or after a refused one; then it is closed with 3502 (stale). Default 5. */
  connectTimeout?: number;
  /**
   * Seconds the handling of a `connect` (the authenticator, `@OnConnect` handlers) may take; past it
   * the client gets error 100, temporary, so the SDK retries, and the late result is dropped. Default 5.
   */
  connectHandlingTimeout?: number;
  /** Seconds a close frame gets to leave (and the client to answer it) before the socket is destroyed. Default 1. */
  closeTimeout?: number;
}

export interface LimitsOptions {
  /**
   * Connections one user may hold, counted in `limits.store` (with a shared backend, across its
   * nodes); one more is disconnected with 3504. Anonymous ones are not counted. 0: no limit. Default 0.
   */
  maxConnectionsPerUser?: number;
  /**
   * Commands per second one user may send on average over all their connections (with a shared
   * backend, on all nodes); each one over answers 111 and counts towards `maxRefusedCommands` of
   * its connection. Anonymous clients are not counted. 0: no limit. Default 0.
   */
  userCommandsPerSecond?: number;
  /** Commands one user may send at once, above the average. Default 200. */
  userCommandBurst?: number;
  /**
   * Client publications per second into one channel on average, from all its publishers (with a
   * shared backend, on all nodes); each one over answers 111 and counts towards
   * `maxRefusedCommands`. Server-side publishes are not counted. 0: no limit. Default 0.
   */
  channelPublicationsPerSecond?: number;
  /** Client publications into one channel at once, above the average. Default 50. */
  channelPublicationBurst?: number;
  /** WebSocket connections this node accepts; the upgrade of one more gets HTTP 503 and the SDK retries with backoff. 0: no limit. Default 0. */
  maxConnections?: number;
  /** Channels one connection may be subscribed to: a subscribe beyond answers 106; more server-side subscriptions disconnect with 3505. 0: no limit. Default 128. */
  maxChannelsPerConnection?: number;
  /** Commands per second one connection may send on average; each one over answers 111. 0: no limit. Default 100. */
  commandsPerSecond?: number;
  /** Commands one connection may send at once, above the average. Default 200. */
  commandBurst?: number;
  /** Refused commands within 10 seconds after which the connection is closed with 3013. Default 50. */
  maxRefusedCommands?: number;
  /**
   * Bytes of a client publication's `data` as compact JSON; a larger one answers 106 and the
   * connection stays. At most `websocket.maxMessageSize`. 0: only the frame size bounds it. Default 0.
   */
  maxPublicationDataSize?: number;
  /** Channels this node tracks (with at least one local subscriber); a subscribe to one more answers 106. 0: no limit. Default 0. */
  maxChannels?: number;
  /**
   * A channel with more local subscribers than this pushes no join/leave (presence still answers):
   * each join would otherwise cost one push per subscriber. 0: no limit. Default 1000.
   */
  maxJoinLeaveSubscribers?: number;
  /**
   * Connection attempts (WebSocket upgrades, HTTP streams) one IP address may make per second on
   * average, counted in `limits.store` (with a shared backend, across its nodes); one over gets
   * HTTP 429. 0: no limit. Default 0.
   */
  connectionAttemptsPerSecond?: number;
  /** Connection attempts one IP address may make at once, above the average. Default 20. */
  connectionAttemptBurst?: number;
  /**
   * Bytes queued to all connections of this node together; over it, the connections with the
   * most queued are disconnected as slow (3008) until it fits. 0: no limit. Default 128 MiB.
   */
  maxQueuedBytes?: number;
  /**
   * Where the limits above that span connections are counted (user connections and commands,
   * channel publications, address attempts). Default: the backend's store. One given here is the
   * app's to close.
   */
  store?: LimitStore;
}

export interface HttpApiOptions {
  /** The API key clients send in `X-API-Key` or `Authorization: apikey <key>`. The API is served only when it is set. */
  key?: string;
  /** Path of the API: `POST <path>` (newline-delimited commands) and `POST <path>/<method>`. Default `/api`. */
  path?: string;
  /** Largest request body in bytes; a larger one is refused with HTTP 413. Default 1 MiB. */
  maxBodySize?: number;
}

/** One fallback transport: `true` serves it at its default path, an object at the path it names. */
export type FallbackTransportOption = boolean | { path?: string };

/** Transports beside the WebSocket endpoint, all off by default; the same limits and timeouts apply. */
export interface TransportsOptions {
  /** Centrifugo's `uni_sse`: connect request in `cf_connect` or a POST body, pushes as SSE events. Default path `/connection/uni_sse`. */
  uniSse?: FallbackTransportOption;
  /** Centrifugo's `uni_http_stream`: connect request as a POST body, pushes as newline-delimited JSON. Default path `/connection/uni_http_stream`. */
  uniHttpStream?: FallbackTransportOption;
  /** Centrifugo's `uni_websocket`: connect request as the first message (or `cf_connect`), pushes as messages. Default path `/connection/uni_websocket`. */
  uniWebsocket?: FallbackTransportOption;
  /** The SDK's bidirectional `http_stream` transport (commands through `emulationPath`). Default path `/connection/http_stream`. */
  httpStream?: FallbackTransportOption;
  /** The SDK's bidirectional `sse` transport (commands through `emulationPath`). Default path `/connection/sse`. */
  sse?: FallbackTransportOption;
  /** Where `http_stream` and `sse` clients POST their commands (the SDK's `emulationEndpoint`). Default `/emulation`. */
  emulationPath?: string;
  /** Largest connect request body (POST) or emulation request, in bytes; a larger one gets HTTP 413. Default 64 KiB. */
  maxRequestBodySize?: number;
}

export interface WebhookEndpointOptions {
  /** Where events are POSTed, http(s). */
  url: string;
  /** Events sent to this endpoint; default every event. */
  events?: StreamingEventName[];
  /** HMAC-SHA256 key of the `X-Streaming-Signature` header. */
  secret: string;
}

export interface WebhooksOptions {
  endpoints: WebhookEndpointOptions[];
  /** Deliveries waiting (all endpoints); an event over it goes to the dead letters at once. Default 10000. */
  maxQueueSize?: number;
  /** Attempts of one delivery before it goes to the dead letters. Default 5. */
  maxAttempts?: number;
  /** Milliseconds before the first retry; each further retry waits twice as long. Default 500. */
  initialBackoff?: number;
  /** Longest wait between two attempts, milliseconds. Default 30000. */
  maxBackoff?: number;
  /** Milliseconds one attempt may take. Default 5000. */
  timeout?: number;
  /** Deliveries sent at once to one endpoint. Default 4. */
  concurrency?: number;
  /** Dead letters kept; past it the oldest are dropped. Default 1000. */
  maxDeadLetters?: number;
}

export interface StreamingModuleOptions {
  /** Where state and fan-out live. Default `{ type: 'memory' }`. */
  backend?: BackendOptions;
  auth?: AuthOptions;
  /** Options of channels without a namespace (`general`, not `chat:general`). */
  channel?: NamespaceOptions;
  /** Namespaces by name: the part of a channel name before the first `:`. */
  namespaces?: Record<string, NamespaceOptions>;
  /** Channel rules with roles and per-user overrides; see `PermissionChecker` for the order they apply in. */
  permissions?: PermissionsOptions;
  websocket?: WebSocketOptions;
  /** Fallback transports (SSE, HTTP streaming, unidirectional), all off by default. */
  transports?: TransportsOptions;
  /** Limits on connections, subscriptions, command and publication rates. */
  limits?: LimitsOptions;
  /** How messages are batched into frames, prioritised under backpressure and compressed. */
  delivery?: DeliveryOptions;
  /** Longest channel name accepted. Default 255. */
  maxChannelLength?: number;
  /**
   * Who may report the client's address in `X-Forwarded-For` (`ClientInfo.ip`): the number of
   * reverse proxies in front of the node (`1`: the address the nearest proxy saw), or their
   * addresses and CIDR ranges (`['10.0.0.0/8']`). Default `false`: the socket's peer address.
   */
  trustProxy?: TrustProxy;
  /** Node name reported in `info` and the connect reply. Default: host name and pid. */
  nodeName?: string;
  /** Seconds a publish `idempotencyKey` is remembered per channel: a repeat within it publishes nothing. Default 300. */
  idempotencyWindow?: number;
  /** Where idempotency keys and their results are kept. Default: the backend's store. One given here is the app's to close. */
  idempotencyStore?: IdempotencyStore;
  /**
   * Seconds a presence entry lives in the store unless its node refreshes it (every third of it):
   * the clients of a node that died without cleaning up leave presence within this. Default 60.
   */
  presenceTtl?: number;
  /**
   * The asynchronous step of permission checks (room membership in a store), run after the
   * synchronous rules for subscribe, publish, presence and history. Default: allows everything.
   */
  channelAccess?: ChannelAccess;
  /** The Centrifugo-compatible server HTTP API; off unless `api.key` is set. */
  api?: HttpApiOptions;
  /** The `typing` rpc and `TypingTracker`. */
  typing?: TypingOptions;
  /** `MessageStore`: the state of messages in namespaces with `messages`. */
  messages?: MessagesOptions;
  /** `RoomService`: rooms, members and roles. */
  rooms?: RoomsOptions;
  /** Per-user status (`presence.status` rpc, `PresenceTracker`). */
  presenceStatus?: PresenceStatusOptions;
  /** The operators' dashboard (nodes, connections, channels, a live tail, actions); off unless `admin.enabled`. */
  admin?: AdminOptions;
  /** POST the node's events to HTTP endpoints, signed. */
  webhooks?: WebhooksOptions;
  /** Prometheus metrics (prom-client); off unless `metrics.enabled`. */
  metrics?: MetricsOptions;
  /** What `app.close()` (or SIGTERM with `enableShutdownHooks`) does before the node stops. */
  shutdown?: ShutdownOptions;
}

export interface MetricsOptions {
  /** Collect and serve the node's metrics. Default false. */
  enabled?: boolean;
  /** The registry the metrics go in. Default: prom-client's default registry (`register`). */
  registry?: Registry;
  /** Put before every metric name (`myapp_` gives `myapp_streaming_connections`). Default none. */
  prefix?: string;
  /** Where the node serves the registry in Prometheus text; `false` when the app serves it from its own endpoint. Default `/metrics`. */
  path?: string | false;
}

export interface ShutdownOptions {
  /**
   * Seconds over which connected clients are disconnected with 3001 on shutdown, in batches, so
   * that they do not all reconnect to the other nodes at the same instant. Default 5; 0 disconnects all at once.
   */
  drainPeriod?: number;
}

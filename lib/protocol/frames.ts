/** Wire shapes of the Centrifugo v2 client protocol (JSON form). */

export type JsonValue = unknown;

export interface WireClientInfo {
  user: string;
  client: string;
  conn_info?: JsonValue;
  chan_info?: JsonValue;
}

export interface Publication {
  data: JsonValue;
  info?: WireClientInfo;
  offset?: number;
  tags?: Record<string, string>;
  /** In a delta subscription: `data` is a fossil delta against the previous publication's data. */
  delta?: boolean;
}

export interface StreamPosition {
  offset: number;
  epoch: string;
}

export interface ConnectRequest {
  token?: string;
  data?: JsonValue;
  subs?: Record<string, SubscribeRequest>;
  name?: string;
  version?: string;
  headers?: Record<string, string>;
}

export interface SubscribeRequest {
  channel: string;
  token?: string;
  recover?: boolean;
  epoch?: string;
  offset?: number;
  data?: JsonValue;
  positioned?: boolean;
  recoverable?: boolean;
  join_leave?: boolean;
  /** Delta compression the client asks for (`fossil`); granted where the namespace allows it. */
  delta?: string;
}

export interface UnsubscribeRequest {
  channel: string;
}
export interface PublishRequest {
  channel: string;
  data: JsonValue;
}
export interface PresenceRequest {
  channel: string;
}
export interface HistoryRequest {
  channel: string;
  limit?: number;
  since?: StreamPosition;
  reverse?: boolean;
}
export interface RpcRequest {
  method?: string;
  data?: JsonValue;
}
export interface RefreshRequest {
  token: string;
}
export interface SubRefreshRequest {
  channel: string;
  token: string;
}
export interface SendRequest {
  data: JsonValue;
}

export interface RequestByMethod {
  connect: ConnectRequest;
  subscribe: SubscribeRequest;
  unsubscribe: UnsubscribeRequest;
  publish: PublishRequest;
  presence: PresenceRequest;
  presence_stats: PresenceRequest;
  history: HistoryRequest;
  rpc: RpcRequest;
  refresh: RefreshRequest;
  sub_refresh: SubRefreshRequest;
  send: SendRequest;
}
export type Method = keyof RequestByMethod;

/**
 * A decoded command: a pong is `{ id: 0, method: 'pong' }`. `badData` says why a well-formed
 * command carries a payload the server cannot take (non-JSON bytes from a protobuf client): it is
 * answered 107 and never handled.
 */
export type Command = (
  | { [M in Method]: { id: number; method: M; request: RequestByMethod[M] } }[Method]
  | { id: 0; method: 'pong'; request: Record<string, never> }
) & { badData?: string };

export interface ErrorBody {
  code: number;
  message: string;
  temporary?: boolean;
}

export interface ConnectResult {
  client: string;
  version: string;
  expires?: boolean;
  ttl?: number;
  data?: JsonValue;
  subs?: Record<string, SubscribeResult>;
  ping?: number;
  pong?: boolean;
  session?: string;
  node?: string;
}

export interface SubscribeResult {
  expires?: boolean;
  ttl?: number;
  recoverable?: boolean;
  epoch?: string;
  publications?: Publication[];
  recovered?: boolean;
  offset?: number;
  positioned?: boolean;
  data?: JsonValue;
  was_recovering?: boolean;
  /** Publications of this subscription come as fossil deltas (or full data) in JSON text. */
  delta?: boolean;
}

export interface PresenceResult {
  presence: Record<string, WireClientInfo>;
}
export interface PresenceStatsResult {
  num_clients: number;
  num_users: number;
}
export interface HistoryResult {
  publications: Publication[];
  epoch: string;
  offset: number;
}
export interface RpcResult {
  data?: JsonValue;
}

/** A reply to a command with an id: exactly one result field, or `error`. */
export type Reply = { id: number } & ({ error: ErrorBody } | { [M in Method]?: unknown });

export type PushBody =
  | { pub: Publication }
  | { join: { info: WireClientInfo } }
  | { leave: { info: WireClientInfo } }
  | { unsubscribe: { code: number; reason: string } }
  | { subscribe: SubscribeResult }
  | { message: { data: JsonValue } }
  | { disconnect: { code: number; reason: string; reconnect: boolean } }
  | { connect: ConnectResult }
  | { refresh: { expires: boolean; ttl?: number } };

export type Push = { channel?: string } & PushBody;

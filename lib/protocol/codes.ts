/** Error codes of the Centrifugo v2 client protocol (replies with an `error`). */
export const ErrorCode = {
  Internal: 100,
  Unauthorized: 101,
  UnknownChannel: 102,
  PermissionDenied: 103,
  MethodNotFound: 104,
  AlreadySubscribed: 105,
  LimitExceeded: 106,
  BadRequest: 107,
  NotAvailable: 108,
  TokenExpired: 109,
  Expired: 110,
  TooManyRequests: 111,
  UnrecoverablePosition: 112,
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const errorMessages: Record<ErrorCode, string> = {
  100: 'internal server error',
  101: 'unauthorized',
  102: 'unknown channel',
  103: 'permission denied',
  104: 'method not found',
  105: 'already subscribed',
  106: 'limit exceeded',
  107: 'bad request',
  108: 'not available',
  109: 'token expired',
  110: 'expired',
  111: 'too many requests',
  112: 'unrecoverable position',
};

/** Codes the SDK retries by itself; Centrifugo marks them `temporary`. */
export const temporaryErrorCodes: ReadonlySet<number> = new Set([ErrorCode.Internal, ErrorCode.TooManyRequests]);

/** Disconnect codes, sent as the WebSocket close code with the reason as close reason. */
export const DisconnectCode = {
  ConnectionClosed: 3000,
  Shutdown: 3001,
  ServerError: 3004,
  Expired: 3005,
  SubExpired: 3006,
  Slow: 3008,
  WriteError: 3009,
  InsufficientState: 3010,
  ForceReconnect: 3011,
  NoPong: 3012,
  TooManyRequests: 3013,
  InvalidToken: 3500,
  BadRequest: 3501,
  Stale: 3502,
  ForceNoReconnect: 3503,
  ConnectionLimit: 3504,
  ChannelLimit: 3505,
  InappropriateProtocol: 3506,
  PermissionDenied: 3507,
  NotAvailable: 3508,
  TooManyErrors: 3509,
} as const;
export type DisconnectCode = (typeof DisconnectCode)[keyof typeof DisconnectCode];

export const disconnectReasons: Record<DisconnectCode, string> = {
  3000: 'connection closed',
  3001: 'shutdown',
  3004: 'internal server error',
  3005: 'connection expired',
  3006: 'subscription expired',
  3008: 'slow',
  3009: 'write error',
  3010: 'insufficient state',
  3011: 'force reconnect',
  3012: 'no pong',
  3013: 'too many requests',
  3500: 'invalid token',
  3501: 'bad request',
  3502: 'stale',
  3503: 'force disconnect',
  3504: 'connection limit',
  3505: 'channel limit',
  3506: 'inappropriate protocol',
  3507: 'permission denied',
  3508: 'not available',
  3509: 'too many errors',
};

/** The SDK reconnects after 3000-3499 and 4000-4499, and gives up after 3500-3999 and 4500-4999. */
export function disconnectReconnects(code: number): boolean {
  return !((code >= 3500 && code < 4000) || (code >= 4500 && code < 5000));
}

/** Codes carried by an `unsubscribe` push. */
export const UnsubscribeCode = {
  Server: 2000,
  InsufficientState: 2500,
  Expired: 2501,
} as const;

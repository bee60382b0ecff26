import { DisconnectCode, disconnectReasons, disconnectReconnects, ErrorCode } from '../protocol/codes.js';
import { jsonLines } from './json-lines.js';

/** What a unidirectional client gets instead of a connect error (Centrifugo's defaults); others get 3004. */
const connectErrorDisconnects: Partial<Record<number, DisconnectCode>> = {
  [ErrorCode.Expired]: DisconnectCode.Expired,
  [ErrorCode.TokenExpired]: DisconnectCode.Expired,
  [ErrorCode.TooManyRequests]: DisconnectCode.TooManyRequests,
  [ErrorCode.PermissionDenied]: DisconnectCode.PermissionDenied,
};

const PUSH_PREFIX = Buffer.from('{"push":');
const REPLY_PREFIX = Buffer.from('{"id":');

/** The messages of a unidirectional stream: a connect push, or the disconnect a refused connect becomes. */
export type UnidirectionalFrame = { messages: Buffer[] } | { refused: DisconnectCode };

/**
 * Rewrites the JSON messages the session writes (newline-joined replies and pushes) for a
 * unidirectional client, as Centrifugo's `uni_*` transports send them: a push without its
 * `{"push": ...}` wrapper, the connect reply as a `{"connect": result}` push, and a refused
 * connect as a disconnect (the client cannot retry a command). The client sends nothing after its
 * connect, so the only reply is the connect's.
 */
export function toUnidirectional(frame: Buffer): UnidirectionalFrame {
  const messages: Buffer[] = [];
  for (const message of jsonLines(frame)) {
    if (startsWith(message, PUSH_PREFIX)) messages.push(message.subarray(PUSH_PREFIX.length, message.length - 1));
    else if (startsWith(message, REPLY_PREFIX)) {
      const reply = JSON.parse(message.toString('utf8')) as { connect?: unknown; error?: { code: number } };
      if (reply.error) return { refused: connectErrorDisconnects[reply.error.code] ?? DisconnectCode.ServerError };
      messages.push(Buffer.from(JSON.stringify({ connect: reply.connect })));
    } else messages.push(message);
  }
  return { messages };
}

/** The disconnect a stream sends before it ends, since HTTP has no close code. */
export function disconnectMessage(code: number, reason: string): { code: number; reason: string; reconnect: boolean } {
  return { code, reason: reason || (disconnectReasons[code as DisconnectCode] ?? 'disconnect'), reconnect: disconnectReconnects(code) };
}

function startsWith(message: Buffer, prefix: Buffer): boolean {
  return message.length >= prefix.length && message.compare(prefix, 0, prefix.length, 0, prefix.length) === 0;
}

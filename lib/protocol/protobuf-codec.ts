import protobuf from 'protobufjs';
import { CommandType, ReplyType } from './client-proto.js';
import { DisconnectCode } from './codes.js';
import type { Codec } from './codec.js';
import { methods, validateRequest } from './command-schema.js';
import type { Command, Method, Push, Reply } from './frames.js';
import { deeperThan, MAX_JSON_DEPTH } from './json-codec.js';
import { DisconnectError } from './protocol-error.js';

/** The WebSocket subprotocol the SDK's protobuf build asks for. */
export const PROTOBUF_SUBPROTOCOL = 'centrifuge-protobuf';

class NotJson extends Error {}

function badRequest(detail: string): DisconnectError {
  return DisconnectError.of(DisconnectCode.BadRequest, detail);
}

function messageType(field: protobuf.Field): protobuf.Type | undefined {
  const resolved = field.resolve().resolvedType;
  return resolved instanceof protobuf.Type ? resolved : undefined;
}

/**
 * JSON values in `bytes` fields become their JSON text, recursively through messages, lists and maps;
 * bytes already (a delta publication's data) go as they are: parsed payloads are never Uint8Array.
 */
function toWire(type: protobuf.Type, value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    const v = value[field.name];
    if (v === undefined || v === null) continue;
    const message = messageType(field);
    const convert = (item: unknown): unknown => {
      if (message) return toWire(message, item as Record<string, unknown>);
      if (field.type === 'bytes') return item instanceof Uint8Array ? item : Buffer.from(JSON.stringify(item));
      // Seconds are whole on this wire: a fractional ping interval (tests use them) rounds up, so
      // the client never expects pings sooner than they come.
      if (typeof item === 'number' && !Number.isInteger(item)) return Math.ceil(item);
      return item;
    };
    if (field.map) out[field.name] = Object.fromEntries(Object.entries(v as object).map(([k, item]) => [k, convert(item)]));
    else if (field.repeated) out[field.name] = (v as unknown[]).map(convert);
    else out[field.name] = convert(v);
  }
  return out;
}

/** The reverse of toWire on a decoded `Command`: `bytes` fields are parsed as JSON (empty is absent). */
function fromWire(type: protobuf.Type, value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    const v = value[field.name];
    if (v === undefined) continue;
    const message = messageType(field);
    const convert = (item: unknown): unknown => {
      if (message) return fromWire(message, item as Record<string, unknown>);
      if (field.type !== 'bytes') return item;
      const bytes = item as Uint8Array;
      if (bytes.length === 0) return undefined;
      const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8');
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new NotJson(`${field.name} is not JSON`);
      }
      // As the JSON codec: nesting past the limit needs two brackets per level, so short texts skip the walk.
      if (text.length > 2 * MAX_JSON_DEPTH && deeperThan(parsed, MAX_JSON_DEPTH)) throw new NotJson(`${field.name} is JSON nested deeper than ${MAX_JSON_DEPTH}`);
      return parsed;
    };
    // No request has a repeated field; an absent payload (undefined) is dropped by the schema check.
    out[field.name] = field.map ? Object.fromEntries(Object.entries(v as object).map(([k, item]) => [k, convert(item)])) : convert(v);
  }
  return out;
}

/**
 * Centrifugo's protobuf protocol: varint-length-delimited `Command`s in, `Reply`s out, in binary
 * frames. Payloads are JSON carried as bytes, so the engine and handlers see the same values as
 * from JSON clients; a command whose payload is not JSON is answered 107 (the connection stays).
 */
export class ProtobufCodec implements Codec {
  readonly name = 'protobuf' as const;
  readonly binary = true;
  /** An empty Reply, length-prefixed. */
  readonly ping = Buffer.from([0]);

  decode(frame: Buffer): Command[] {
    const reader = protobuf.Reader.create(frame);
    const commands: Command[] = [];
    while (reader.pos < reader.len) {
      let raw: Record<string, unknown>;
      try {
        const message = CommandType.decode(reader, reader.uint32());
        raw = CommandType.toObject(message, { longs: Number });
      } catch {
        throw badRequest('malformed protobuf');
      }
      commands.push(this.toCommand(raw));
    }
    if (commands.length === 0) throw badRequest('empty frame');
    return commands;
  }

  private toCommand(raw: Record<string, unknown>): Command {
    const id = (raw.id as number | undefined) ?? 0;
    const present = Object.keys(raw).filter((key) => key !== 'id');
    if (present.length === 0) {
      if (id === 0) return { id: 0, method: 'pong', request: {} };
      throw badRequest('unknown command');
    }
    if (present.length > 1) throw badRequest('more than one method in a command');
    const method = present[0] as Method;
    if (!methods.includes(method)) throw badRequest(`${method} is not a client command`);
    if (id === 0 && method !== 'send') throw badRequest(`${method} without id`);
    const wire = raw[method] as Record<string, unknown>;
    const type = CommandType.fields[method]!.resolvedType as protobuf.Type;
    let body: Record<string, unknown>;
    try {
      body = fromWire(type, wire);
    } catch (err) {
      if (!(err instanceof NotJson)) throw err;
      // Payloads are JSON on this server: the command is refused (107), not the connection.
      return { id, method, request: {}, badData: `${method}.${err.message}` } as Command;
    }
    const request = validateRequest(method, body);
    if (typeof request === 'string') throw badRequest(request);
    return { id, method, request } as Command;
  }

  encodeReply(reply: Reply): Buffer {
    return this.encode(reply as Record<string, unknown>);
  }

  encodePush(push: Push): Buffer {
    return this.encode({ push });
  }

  private encode(reply: Record<string, unknown>): Buffer {
    const bytes = ReplyType.encodeDelimited(toWire(ReplyType, reply)).finish();
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  }

  join(messages: Buffer[]): Buffer {
    return messages.length === 1 ? messages[0]! : Buffer.concat(messages);
  }
}

import type { Codec } from './codec.js';
import { JsonCodec } from './json-codec.js';
import { PROTOBUF_SUBPROTOCOL, ProtobufCodec } from './protobuf-codec.js';

// Stateless: one of each serves every connection.
export const jsonCodec: Codec = new JsonCodec();
export const protobufCodec: Codec = new ProtobufCodec();

/**
 * The codec a WebSocket client asked for: the `centrifuge-protobuf` subprotocol (the SDK's protobuf
 * build) or `?format=protobuf` (Centrifugo's alternative for clients that cannot set one).
 */
export function codecForUpgrade(subprotocol: string, url: string | undefined): Codec {
  if (subprotocol === PROTOBUF_SUBPROTOCOL) return protobufCodec;
  const query = url?.split('?', 2)[1];
  return new URLSearchParams(query).get('format') === 'protobuf' ? protobufCodec : jsonCodec;
}

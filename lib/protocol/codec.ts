import type { Command, Push, Reply } from './frames.js';

/**
 * Turns frames into commands and replies/pushes into bytes. The engine only sees this
 * interface, so a protobuf codec can sit beside the JSON one.
 */
export interface Codec {
  readonly name: 'json' | 'protobuf';
  /** Frames go out as binary WebSocket messages (else as text). */
  readonly binary: boolean;
  /** Decodes every command in one transport frame; throws DisconnectError on malformed input. */
  decode(frame: Buffer): Command[];
  encodeReply(reply: Reply): Buffer;
  /** Encoded once per publication and codec, and shared by every subscriber's queue of that codec. */
  encodePush(push: Push): Buffer;
  /** The empty message: the server's ping. */
  readonly ping: Buffer;
  /** Several encoded messages in one transport frame. */
  join(messages: Buffer[]): Buffer;
}

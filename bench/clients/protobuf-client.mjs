// Our protobuf subprotocol as the SDK's protobuf build speaks it: varint-length-delimited Commands
// and Replies in binary frames, several per frame; an empty Reply is a ping, answered by an empty Command.
import protobuf from 'protobufjs';
import WebSocket from 'ws';
import { CommandType, ReplyType } from '../../dist/protocol/client-proto.js';
import { CHANNEL } from '../channel.mjs';
import { closer } from './closer.mjs';

const EMPTY_COMMAND = Buffer.from([0]);
const encode = (command) => CommandType.encodeDelimited(command).finish();

export function protobufClient(target, onMessage) {
  const channels = target.channels ?? [CHANNEL];
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${target.port}/connection/websocket`, 'centrifuge-protobuf', {
      perMessageDeflate: target.deflate ?? false,
      localAddress: target.localAddress,
    });
    let pending = channels.length;
    ws.on('open', () => {
      const connect = encode({ id: 1, connect: target.token ? { token: target.token } : {} });
      const subscribes = channels.map((channel, i) => encode({ id: i + 2, subscribe: { channel } }));
      ws.send(Buffer.concat([connect, ...subscribes]));
    });
    ws.on('error', reject);
    ws.on('message', (frame) => {
      const reader = protobuf.Reader.create(frame);
      while (reader.pos < reader.len) {
        const reply = ReplyType.decode(reader, reader.uint32());
        if (reply.push?.pub) onMessage(JSON.parse(Buffer.from(reply.push.pub.data).toString()));
        else if (reply.error) reject(new Error(`${reply.error.code} ${reply.error.message}`));
        else if (!reply.id) ws.send(EMPTY_COMMAND);
        else if (reply.id !== 1 && --pending === 0) resolve(closer(ws, target));
      }
    });
  });
}

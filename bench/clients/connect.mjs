// One subscribed client per kind of server; `onMessage(payload)` gets each delivered message.
// `target`: { port, onClose, localAddress?, token?, channels?, deflate? }; only our clients use the
// last three. `onClose(reason)` hears of a connection the server closed during the run.
import { io } from 'socket.io-client';
import WebSocket from 'ws';
import { CHANNEL } from '../channel.mjs';
import { closer } from './closer.mjs';
import { protobufClient } from './protobuf-client.mjs';

/** Centrifugo protocol v2 over a bare socket: the commands the SDK would send, pongs, and pushes. */
function streamingClient(target, onMessage) {
  const channels = target.channels ?? [CHANNEL];
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${target.port}/connection/websocket`, {
      perMessageDeflate: target.deflate ?? false,
      localAddress: target.localAddress,
    });
    let pending = channels.length;
    ws.on('open', () => {
      const connect = JSON.stringify({ id: 1, connect: target.token ? { token: target.token } : {} });
      const subscribes = channels.map((channel, i) => JSON.stringify({ id: i + 2, subscribe: { channel } }));
      ws.send([connect, ...subscribes].join('\n'));
    });
    ws.on('error', reject);
    ws.on('message', (frame) => {
      for (const line of frame.toString().split('\n')) {
        if (line === '{}') ws.send('{}');
        else if (line.startsWith('{"push"')) onMessage(JSON.parse(line).push.pub.data);
        else if (line.includes('"error"')) reject(new Error(line));
        else if (!line.startsWith('{"id":1,') && --pending === 0) resolve(closer(ws, target));
      }
    });
  });
}

function wsClient(target, onMessage) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${target.port}`, { perMessageDeflate: false, localAddress: target.localAddress });
    ws.on('open', () => resolve(closer(ws, target)));
    ws.on('error', reject);
    ws.on('message', (frame) => onMessage(JSON.parse(frame.toString())));
  });
}

function socketIoClient(target, onMessage) {
  let closing = false;
  return new Promise((resolve, reject) => {
    const socket = io(`http://127.0.0.1:${target.port}`, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      localAddress: target.localAddress,
    });
    socket.on('connect', () => {
      socket.on('disconnect', (reason) => !closing && target.onClose?.(reason));
      resolve(() => {
        closing = true;
        socket.disconnect();
      });
    });
    socket.on('connect_error', reject);
    socket.on('message', onMessage);
  });
}

export const clients = { streaming: streamingClient, protobuf: protobufClient, ws: wsClient, socketio: socketIoClient };

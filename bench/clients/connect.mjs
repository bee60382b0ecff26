// One subscribed client per kind of server; `onMessage(payload)` gets each delivered message.
import { io } from 'socket.io-client';
import WebSocket from 'ws';
import { CHANNEL } from '../channel.mjs';

/** Centrifugo protocol v2 over a bare socket: the two commands the SDK would send, pongs, and pushes. */
function streamingClient(port, onMessage) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/connection/websocket`, { perMessageDeflate: false });
    ws.on('open', () => ws.send(`{"id":1,"connect":{}}\n{"id":2,"subscribe":{"channel":"${CHANNEL}"}}`));
    ws.on('error', reject);
    ws.on('message', (frame) => {
      for (const line of frame.toString().split('\n')) {
        if (line === '{}') ws.send('{}');
        else if (line.startsWith('{"push"')) onMessage(JSON.parse(line).push.pub.data);
        else if (line.startsWith('{"id":2')) {
          if (line.includes('"error"')) reject(new Error(line));
          else resolve(() => ws.terminate());
        }
      }
    });
  });
}

function wsClient(port, onMessage) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: false });
    ws.on('open', () => resolve(() => ws.terminate()));
    ws.on('error', reject);
    ws.on('message', (frame) => onMessage(JSON.parse(frame.toString())));
  });
}

function socketIoClient(port, onMessage) {
  return new Promise((resolve, reject) => {
    const socket = io(`http://127.0.0.1:${port}`, { transports: ['websocket'], forceNew: true, reconnection: false });
    socket.on('connect', () => resolve(() => socket.disconnect()));
    socket.on('connect_error', reject);
    socket.on('message', onMessage);
  });
}

export const clients = { streaming: streamingClient, ws: wsClient, socketio: socketIoClient };

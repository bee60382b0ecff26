// The floor: a bare `ws` server that serialises each message once and sends it to every socket.
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';
import { serve } from './server-harness.mjs';

const server = createServer();
const wss = new WebSocketServer({ server, perMessageDeflate: false });
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
serve(server.address().port, (message) => {
  const frame = JSON.stringify(message);
  for (const socket of wss.clients) socket.send(frame);
}, () => wss.clients.size);

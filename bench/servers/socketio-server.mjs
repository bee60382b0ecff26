// Socket.IO with one room, WebSocket transport only, as a Socket.IO app would fan out.
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { CHANNEL } from '../channel.mjs';
import { serve } from './server-harness.mjs';

const server = createServer();
const io = new Server(server, { transports: ['websocket'], perMessageDeflate: false });
io.on('connection', (socket) => socket.join(CHANNEL));
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
serve(server.address().port, (message) => {
  io.to(CHANNEL).emit('message', message);
}, () => io.engine.clientsCount);

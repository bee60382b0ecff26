// `node bench/frame-join.mjs`: does writing a connection's messages without joining them first
// (issue 13, point 8) cost less than `Buffer.concat` + one `ws.send`? Both ways give the client one
// WebSocket message with the newline-joined text; the second sends it as fragments (RFC 6455
// continuation frames) inside one cork, so the kernel gets one writev and nothing is copied.
// Measures the synchronous time of the write path only, clients reading in the same process.
import { performance } from 'node:perf_hooks';
import WebSocket, { WebSocketServer } from 'ws';

const CONNECTIONS = Number(process.env.CONNECTIONS ?? 200);
const ROUNDS = Number(process.env.ROUNDS ?? 200);
const NEWLINE = Buffer.from('\n');

function joined(socket, parts) {
  const list = [];
  for (const part of parts) {
    if (list.length > 0) list.push(NEWLINE);
    list.push(part);
  }
  socket.send(list.length === 1 ? list[0] : Buffer.concat(list), { binary: false });
}

function fragments(socket, parts) {
  // ws exposes no cork; its underlying socket is the one it writes to.
  const raw = socket._socket;
  raw.cork();
  parts.forEach((part, i) => {
    const last = i === parts.length - 1;
    socket.send(part, { binary: false, fin: last });
    if (!last) socket.send(NEWLINE, { binary: false, fin: false });
  });
  raw.uncork();
}

async function run(name, write, perFlush, size) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  await new Promise((resolve) => wss.once('listening', resolve));
  const servers = [];
  wss.on('connection', (socket) => servers.push(socket));
  let received = 0;
  const clients = await Promise.all(
    Array.from({ length: CONNECTIONS }, () => {
      const client = new WebSocket(`ws://127.0.0.1:${wss.address().port}`, { perMessageDeflate: false });
      client.on('message', () => received++);
      return new Promise((resolve) => client.once('open', () => resolve(client)));
    }),
  );
  while (servers.length < CONNECTIONS) await new Promise((resolve) => setTimeout(resolve, 5));
  // The same encoded publications for every connection, as the node shares them.
  const parts = Array.from({ length: perFlush }, (_, i) => Buffer.from(JSON.stringify({ push: { channel: 'room', pub: { data: { i, text: 'x'.repeat(size) } } } })));
  let busy = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const start = performance.now();
    for (const socket of servers) write(socket, parts);
    busy += performance.now() - start;
    await new Promise((resolve) => setImmediate(resolve));
  }
  while (received < CONNECTIONS * ROUNDS) await new Promise((resolve) => setTimeout(resolve, 5));
  for (const client of clients) client.terminate();
  await new Promise((resolve) => wss.close(resolve));
  const perFrame = (busy * 1e6) / (CONNECTIONS * ROUNDS);
  console.log(`| ${name} | ${perFlush} | ${size} | ${perFrame.toFixed(0)} ns |`);
}

console.log('| write | messages per frame | bytes of text | time per connection and frame |');
console.log('|---|---|---|---|');
for (const [perFlush, size] of [[2, 100], [10, 100], [10, 2000], [50, 100]]) {
  await run('Buffer.concat + send', joined, perFlush, size);
  await run('corked fragments', fragments, perFlush, size);
}

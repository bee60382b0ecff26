import { Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { WsAdapter } from '@nestjs/platform-ws';
import { MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import type { Centrifuge } from 'centrifuge';
import type { AddressInfo } from 'node:net';
import { io } from 'socket.io-client';
import WebSocket from 'ws';
import { StreamingManager, StreamingModule } from '../lib/index.js';
import { connectedClient, once, sdkClient, subscribed } from './support/centrifuge-client.js';

/** The usual gateway of a Nest app on `WsAdapter`: JSON `{ event, data }` frames on its own path. */
@WebSocketGateway({ path: '/ws' })
class WsEchoGateway {
  @SubscribeMessage('echo')
  echo(@MessageBody() data: unknown) {
    return { event: 'echo', data };
  }
}

/** The same on `IoAdapter` (Socket.IO at its default path), answering through the ack. */
@WebSocketGateway()
class IoEchoGateway {
  @SubscribeMessage('echo')
  echo(@MessageBody() data: unknown) {
    return data;
  }
}

const anonymousReaders = { auth: { anonymous: true }, channel: { allowSubscribeForAnonymous: true } };

type AdapterKind = 'ws' | 'socket.io' | 'none';
type Order = 'gateway module first' | 'streaming module first';

interface Running {
  app: INestApplication;
  base: string;
}

async function startBeside(kind: AdapterKind, order: Order): Promise<Running> {
  const gateways = { ws: [WsEchoGateway], 'socket.io': [IoEchoGateway], none: [] }[kind];
  @Module({ providers: gateways })
  class GatewayModule {}
  const streaming = StreamingModule.forRoot(anonymousReaders);
  @Module({ imports: order === 'gateway module first' ? [GatewayModule, streaming] : [streaming, GatewayModule] })
  class AppModule {}
  const app = await NestFactory.create(AppModule, { logger: process.env.TEST_LOGS ? undefined : false });
  if (kind !== 'none') app.useWebSocketAdapter(kind === 'ws' ? new WsAdapter(app) : new IoAdapter(app));
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, base: `127.0.0.1:${port}` };
}

/** The endpoint with the real SDK: connect, subscribe, receive a server publication. */
async function endpointServes(running: Running, clients: Centrifuge[]): Promise<void> {
  const client = sdkClient(`ws://${running.base}/connection/websocket`);
  clients.push(client);
  await connectedClient(client);
  const sub = await subscribed(client, 'news');
  const received = once<{ data: unknown }>(sub, 'publication');
  await running.app.get(StreamingManager).publish('news', { n: 1 });
  expect((await received).data).toEqual({ n: 1 });
}

async function wsGatewayEchoes(url: string): Promise<unknown> {
  const ws = new WebSocket(url);
  try {
    await once(ws, 'open');
    const reply = once<WebSocket.RawData>(ws, 'message');
    ws.send(JSON.stringify({ event: 'echo', data: { hello: 'ws' } }));
    return JSON.parse(String(await reply));
  } finally {
    ws.close();
  }
}

async function ioGatewayEchoes(base: string, path?: string): Promise<unknown> {
  const socket = io(`http://${base}`, { path, transports: ['websocket'], reconnection: false });
  try {
    await once(socket, 'connect');
    return await socket.timeout(5000).emitWithAck('echo', { hello: 'io' });
  } finally {
    socket.disconnect();
  }
}

/** An upgrade of a path nobody serves must end, not hang on an open socket. */
async function upgradeRefused(url: string): Promise<void> {
  const ws = new WebSocket(url);
  ws.on('error', () => {});
  ws.on('upgrade', () => {
    throw new Error(`${url} was upgraded`);
  });
  await once(ws, 'close', 5000);
}

describe('a Nest gateway beside the endpoint, on one port', () => {
  const clients: Centrifuge[] = [];
  let running: Running | undefined;

  afterEach(async () => {
    for (const c of clients.splice(0)) c.disconnect();
    await running?.app.close();
    running = undefined;
  });

  describe.each<Order>(['gateway module first', 'streaming module first'])('%s', (order) => {
    it('WsAdapter: the SDK on /connection/websocket, a ws client on the gateway at /ws', async () => {
      running = await startBeside('ws', order);
      await endpointServes(running, clients);
      expect(await wsGatewayEchoes(`ws://${running.base}/ws`)).toEqual({ event: 'echo', data: { hello: 'ws' } });
      await upgradeRefused(`ws://${running.base}/nobody`);
    });

    it('IoAdapter: the SDK on /connection/websocket, socket.io-client on the gateway', async () => {
      running = await startBeside('socket.io', order);
      await endpointServes(running, clients);
      expect(await ioGatewayEchoes(running.base)).toEqual({ hello: 'io' });
      await upgradeRefused(`ws://${running.base}/nobody`);
    });
  });

  // Upgrade listeners attached after the endpoint's, by a server created once the app runs (as
  // the adapters do for a gateway). No gateway besides: two adapters destroy each other's paths.
  it('WsAdapter listening after the endpoint started', async () => {
    running = await startBeside('none', 'streaming module first');
    const late = new WsAdapter(running.app).create(0, { path: '/late' });
    late.on('connection', (ws: WebSocket) => ws.on('message', (data) => ws.send(String(data))));
    await endpointServes(running, clients);
    expect(await wsGatewayEchoes(`ws://${running.base}/late`)).toEqual({ event: 'echo', data: { hello: 'ws' } });
    await upgradeRefused(`ws://${running.base}/nobody`);
  });

  it('Socket.IO listening after the endpoint started', async () => {
    running = await startBeside('none', 'streaming module first');
    // IoAdapter types its options as socket.io's full ServerOptions; socket.io defaults the rest.
    const late = new IoAdapter(running.app).create(0, { path: '/late.io' } as Parameters<IoAdapter['create']>[1]);
    late.on('connection', (socket) => socket.on('echo', (data: unknown, ack: (reply: unknown) => void) => ack(data)));
    await endpointServes(running, clients);
    expect(await ioGatewayEchoes(running.base, '/late.io')).toEqual({ hello: 'io' });
    await upgradeRefused(`ws://${running.base}/nobody`);
  });

  it('closes upgrades of paths nobody serves when the endpoint is the only listener', async () => {
    running = await startBeside('none', 'streaming module first');
    await upgradeRefused(`ws://${running.base}/nobody`);
    await endpointServes(running, clients);
  });
});

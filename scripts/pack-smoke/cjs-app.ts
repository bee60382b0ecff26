// A CommonJS Nest app as `nest new` makes it (no "type": "module", TypeScript `module: nodenext`),
// with a gateway on WsAdapter beside the endpoint: the packed library through require(esm).
import 'reflect-metadata';
import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { WsAdapter } from '@nestjs/platform-ws';
import { MessageBody as GatewayBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { Centrifuge } from 'centrifuge';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { ConnectedClient, OnRpc, StreamingHandlers, StreamingModule, type ClientInfo } from '@streaming/nest';

@WebSocketGateway({ path: '/ws' })
class EchoGateway {
  @SubscribeMessage('echo')
  echo(@GatewayBody() data: unknown) {
    return { event: 'echo', data };
  }
}

@StreamingHandlers()
@Injectable()
class WhoAmIHandlers {
  @OnRpc('whoami')
  whoami(@ConnectedClient() client: ClientInfo) {
    return { anonymous: client.user === '' };
  }
}

@Module({
  imports: [StreamingModule.forRoot({ auth: { anonymous: true } })],
  providers: [EchoGateway, WhoAmIHandlers],
})
class AppModule {}

function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), 5000);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function gatewayEcho(url: string): Promise<unknown> {
  const ws = new WebSocket(url);
  await within(new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject)), 'gateway open');
  const reply = new Promise<string>((resolve) => ws.once('message', (data) => resolve(String(data))));
  ws.send(JSON.stringify({ event: 'echo', data: 'hi' }));
  const message = JSON.parse(await within(reply, 'gateway echo'));
  ws.close();
  return message;
}

async function main(): Promise<void> {
  const app = await NestFactory.create(AppModule, { logger: false });
  app.useWebSocketAdapter(new WsAdapter(app));
  app.enableShutdownHooks();
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;

  const client = new Centrifuge(`ws://127.0.0.1:${port}/connection/websocket`, { websocket: WebSocket });
  const connected = new Promise((resolve) => client.once('connected', resolve));
  client.connect();
  await within(connected, 'SDK connect');
  const { data } = await within(client.rpc('whoami', {}), 'rpc');
  client.disconnect();
  if (data?.anonymous !== true) throw new Error(`unexpected rpc reply ${JSON.stringify(data)}`);

  const echo = await gatewayEcho(`ws://127.0.0.1:${port}/ws`);
  if (JSON.stringify(echo) !== JSON.stringify({ event: 'echo', data: 'hi' })) throw new Error(`unexpected echo ${JSON.stringify(echo)}`);
  await app.close();
  console.log('pack smoke: a CommonJS app served the SDK and a WsAdapter gateway on one port');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

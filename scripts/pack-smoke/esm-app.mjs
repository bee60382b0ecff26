// A fresh app using the installed tarball: plain JavaScript, no decorators, only the public entry.
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Centrifuge } from 'centrifuge';
import WebSocket from 'ws';
import { StreamingManager, StreamingModule } from '@streaming/nest';

class AppModule {}
const admin = { enabled: true, password: 'pack smoke admin password' };
Module({ imports: [StreamingModule.forRoot({ auth: { anonymous: true }, channel: { allowSubscribeForAnonymous: true }, admin })] })(AppModule);

const app = await NestFactory.create(AppModule, { logger: false });
await app.listen(0, '127.0.0.1');
const { port } = app.getHttpServer().address();
const client = new Centrifuge(`ws://127.0.0.1:${port}/connection/websocket`, { websocket: WebSocket });
const sub = client.newSubscription('news');
const received = new Promise((resolve) => sub.on('publication', (ctx) => resolve(ctx.data)));
const subscribed = new Promise((resolve) => sub.on('subscribed', resolve));
sub.subscribe();
client.connect();
await subscribed;
await app.get(StreamingManager).publish('news', { ok: true });
const data = await Promise.race([received, new Promise((_, reject) => setTimeout(() => reject(new Error('no publication')), 5000))]);
// The dashboard's page and script are files beside the code: they must be in the package.
for (const asset of ['admin', 'admin/admin.js', 'admin/admin.css']) {
  const res = await fetch(`http://127.0.0.1:${port}/${asset}`);
  if (res.status !== 200 || (await res.text()).length === 0) throw new Error(`/${asset} is not served from the package: ${res.status}`);
}
client.disconnect();
await app.close();
if (data?.ok !== true) throw new Error(`unexpected publication ${JSON.stringify(data)}`);
console.log('pack smoke: the packed library served a publication to the official SDK, and the admin page');

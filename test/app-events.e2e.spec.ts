import { Injectable } from '@nestjs/common';
import { EventEmitterModule, OnEvent } from '@nestjs/event-emitter';
import type { Centrifuge } from 'centrifuge';
import { StreamingEvents, StreamingManager, type PublishedEvent, type StreamingModuleOptions } from '../lib/index.js';
import { startApp, type TestApp } from './support/app.js';
import { connectedClient, once, sdkClient, subscribed } from './support/centrifuge-client.js';
import { eventually } from './support/eventually.js';
import { connectionToken, TEST_SECRET } from './support/tokens.js';

/** A service of the app reacting to the module's events, as users write them. */
@Injectable()
class Audit {
  readonly seen: Array<{ name: string; payload: unknown }> = [];
  failOnPublished = false;

  record(name: string, payload: unknown): void {
    this.seen.push({ name, payload });
  }

  // Errors not suppressed (the default would swallow them): the engine must survive a listener that throws.
  @OnEvent(StreamingEvents.Published, { suppressErrors: false })
  published(e: PublishedEvent) {
    this.record(StreamingEvents.Published, e);
    if (this.failOnPublished) throw new Error('listener bug');
  }
}

// One @OnEvent listener for each other event name, declared as the decorator would on a method.
for (const name of Object.values(StreamingEvents)) {
  if (name === StreamingEvents.Published) continue;
  const descriptor = {
    value(this: Audit, payload: unknown) {
      this.record(name, payload);
    },
    configurable: true,
    writable: true,
  };
  Object.defineProperty(Audit.prototype, name, descriptor);
  OnEvent(name)(Audit.prototype, name, descriptor);
}

const options: StreamingModuleOptions = {
  auth: { jwt: { secret: TEST_SECRET } },
  namespaces: { chat: { presence: true, historySize: 10, historyTtl: 60, allowPublishForSubscriber: true } },
};

describe('app events through @nestjs/event-emitter', () => {
  let server: TestApp;
  let audit: Audit;
  let client: Centrifuge | undefined;

  beforeAll(async () => {
    server = await startApp(options, [Audit], undefined, { imports: [EventEmitterModule.forRoot()] });
    audit = server.app.get(Audit);
  });
  beforeEach(() => {
    audit.seen.length = 0;
    audit.failOnPublished = false;
  });
  // The next test starts once this one's connection is gone through its last event (`disconnected`
  // follows its unsubscribes), so no test sees another's events whatever the order.
  afterEach(async () => {
    if (!client) return;
    client.disconnect();
    client = undefined;
    await eventually(() => expect(audit.seen.some((e) => e.name === StreamingEvents.Disconnected)).toBe(true));
  });
  afterAll(() => server.close());

  it('follows a connection through its life with typed payloads, in order', async () => {
    client = sdkClient(server.wsUrl, { token: await connectionToken('alice', { info: { name: 'Alice' } }) });
    const ready = once<{ client: string }>(client, 'connected');
    client.connect();
    const id = (await ready).client;
    const sub = await subscribed(client, 'chat:life');
    await sub.publish({ text: 'hi' });
    sub.unsubscribe();
    const closed = once<any>(client, 'disconnected');
    client.disconnect();
    await closed;
    const expected = [
      { name: 'streaming.connected', payload: { client: id, user: 'alice', transport: 'websocket', connInfo: { name: 'Alice' } } },
      { name: 'streaming.channel.occupied', payload: { channel: 'chat:life' } },
      { name: 'streaming.presence.changed', payload: { channel: 'chat:life', action: 'join', client: id, user: 'alice' } },
      { name: 'streaming.subscribed', payload: { client: id, user: 'alice', channel: 'chat:life', serverSide: false } },
      {
        name: 'streaming.published',
        payload: { channel: 'chat:life', data: { text: 'hi' }, info: { user: 'alice', client: id, conn_info: { name: 'Alice' } }, offset: 1, epoch: expect.any(String) },
      },
      { name: 'streaming.channel.vacated', payload: { channel: 'chat:life' } },
      { name: 'streaming.presence.changed', payload: { channel: 'chat:life', action: 'leave', client: id, user: 'alice' } },
      { name: 'streaming.unsubscribed', payload: { client: id, user: 'alice', channel: 'chat:life' } },
      { name: 'streaming.disconnected', payload: { client: id, user: 'alice', code: 3000, reason: expect.any(String), duration: expect.any(Number) } },
    ];
    await eventually(() => expect(audit.seen).toEqual(expected));
  });

  it('reports server publications and server-side subscriptions too', async () => {
    client = await connectedClient(sdkClient(server.wsUrl, { token: await connectionToken('bob') }));
    const manager = server.app.get(StreamingManager);
    const announced = once<any>(client, 'subscribed');
    await manager.subscribe('bob', 'chat:server');
    await announced;
    await manager.publish('chat:server', 'from the server', { tags: { k: 'v' } });
    await eventually(() =>
      expect(audit.seen).toEqual(
        expect.arrayContaining([
          { name: 'streaming.subscribed', payload: expect.objectContaining({ user: 'bob', channel: 'chat:server', serverSide: true }) },
          { name: 'streaming.published', payload: { channel: 'chat:server', data: 'from the server', tags: { k: 'v' }, offset: 1, epoch: expect.any(String) } },
        ]),
      ),
    );
  });

  it('keeps publishing when a listener throws, and leaves no rejection unhandled', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      audit.failOnPublished = true;
      client = await connectedClient(sdkClient(server.wsUrl, { token: await connectionToken('carol') }));
      const sub = await subscribed(client, 'chat:robust');
      const received = once<any>(sub, 'publication');
      await sub.publish('still here');
      expect((await received).data).toBe('still here');
      // A full round trip later, a rejection left unhandled would have been reported.
      await sub.presence();
      await new Promise((resolve) => setImmediate(resolve));
      expect(audit.seen.some((e) => e.name === 'streaming.published')).toBe(true);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

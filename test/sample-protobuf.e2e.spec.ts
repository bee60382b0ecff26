import type { INestApplication } from '@nestjs/common';
import type { Centrifuge } from 'centrifuge/build/protobuf';
import type { AddressInfo } from 'node:net';
import { StreamingManager, StreamingTokens } from '../lib/index.js';
import { createSampleApp } from '../sample/app.js';
import { loadConfig } from '../sample/config.js';
import { tokenFromArgs } from '../sample/tokens.js';
import { collect, connectedClient, once, protobufSdkClient } from './support/centrifuge-client.js';

const config = loadConfig({});
const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const parse = (data: Uint8Array) => JSON.parse(new TextDecoder().decode(data));

/** The sample contract of issue 11, checked from outside: the SDK's protobuf build against the sample. */
describe('sample chat app with the protobuf SDK', () => {
  let app: INestApplication;
  let wsUrl: string;
  const clients: Centrifuge[] = [];

  async function connected(user: string): Promise<Centrifuge> {
    const client = protobufSdkClient(wsUrl, { token: await tokenFromArgs([user], app.get(StreamingTokens)) });
    clients.push(client);
    return connectedClient(client);
  }

  beforeAll(async () => {
    app = await createSampleApp(config, { logger: process.env.TEST_LOGS ? undefined : false });
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    wsUrl = `ws://127.0.0.1:${port}/connection/websocket`;
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.disconnect();
  });
  afterAll(() => app.close());

  it('connects, publishes {text} as JSON bytes in chat:*, reads presence and history, and calls echo', async () => {
    const alice = await connected('alice');
    const bob = await connected('bob');
    const subA = alice.newSubscription('chat:protobuf');
    const subB = bob.newSubscription('chat:protobuf');
    await Promise.all([subA, subB].map((s) => ((s.subscribe(), once(s, 'subscribed')))));
    const got = once<any>(subB, 'publication');
    await subA.publish(bytes({ text: 'hi bob' }));
    expect(parse((await got).data)).toEqual({ text: 'hi bob', user: 'alice', at: expect.any(Number) });
    await expect(subA.publish(bytes({ text: '' }))).rejects.toMatchObject({ code: 107 });

    const presence = await subB.presence();
    expect(Object.values(presence.clients).map((c: any) => c.user).sort()).toEqual(['alice', 'bob']);
    const history = await subB.history({ limit: -1 });
    expect(history.publications.map((p: any) => parse(p.data).text)).toEqual(['hi bob']);
    expect(parse((await alice.rpc('echo', bytes({ hello: 'world' }))).data)).toEqual({ hello: 'world' });
  });

  it('recovers what was published while it reconnected', async () => {
    const alice = await connected('alice');
    const sub = alice.newSubscription('chat:protobuf-recovery');
    const subscribedOnce = once(sub, 'subscribed');
    sub.subscribe();
    await subscribedOnce;
    const manager = app.get(StreamingManager);
    // A stream with a publication keeps its epoch while nobody is subscribed.
    const first = once(sub, 'publication');
    await manager.publish('chat:protobuf-recovery', { text: 'zero', user: 'bob', at: 0 });
    await first;
    const received = collect<any>(sub, 'publication', 2);
    const resubscribed = once<any>(sub, 'subscribed');
    alice.once('connecting', () => {
      void manager.publish('chat:protobuf-recovery', { text: 'one', user: 'bob', at: 1 });
      void manager.publish('chat:protobuf-recovery', { text: 'two', user: 'bob', at: 2 });
    });
    await manager.disconnect('alice', { code: 3011, reason: 'reconnect' });
    expect(await resubscribed).toMatchObject({ wasRecovering: true, recovered: true });
    expect((await received).map((p) => parse(p.data).text)).toEqual(['one', 'two']);
  });
});

import { jest } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import type { Centrifuge as ProtobufCentrifuge } from 'centrifuge/build/protobuf';
import type WebSocket from 'ws';
import { OnPublish, OnRpc, StreamingBody, StreamingHandlers, StreamingManager, type StreamingModuleOptions } from '../../lib/index.js';
import { jsonCodec, protobufCodec } from '../../lib/protocol/codecs.js';
import { startApp, type TestApp } from '../support/app.js';
import { collect, connectedClient, once, protobufSdkClient, sdkClient, subscribed } from '../support/centrifuge-client.js';
import { connectionToken, TEST_SECRET } from '../support/tokens.js';

const seen: unknown[] = [];

@StreamingHandlers()
@Injectable()
class Handlers {
  @OnRpc('echo')
  echo(data: unknown) {
    return data;
  }

  @OnPublish('chat:*')
  stamp(@StreamingBody() body: { text?: string }) {
    seen.push(body);
    return { data: { ...body, stamped: true } };
  }
}

const options: StreamingModuleOptions = {
  auth: { jwt: { secret: TEST_SECRET } },
  namespaces: {
    chat: {
      presence: true,
      joinLeave: true,
      forcePushJoinLeave: true,
      historySize: 100,
      historyTtl: 3600,
      forceRecovery: true,
      allowPublishForSubscriber: true,
    },
  },
};

/** The SDK's protobuf build (`centrifuge/build/protobuf`) on the same server as JSON clients (issue 11). */
describe('protobuf SDK against the server', () => {
  let server: TestApp;
  let manager: StreamingManager;
  const clients: Array<{ disconnect(): void }> = [];

  async function protobufClient(user: string): Promise<ProtobufCentrifuge> {
    const client = protobufSdkClient(server.wsUrl, { token: await connectionToken(user, { info: { name: user } }) });
    clients.push(client);
    return connectedClient(client);
  }

  async function jsonClient(user: string) {
    const client = sdkClient(server.wsUrl, { token: await connectionToken(user) });
    clients.push(client);
    return connectedClient(client);
  }

  beforeAll(async () => {
    server = await startApp(options, [Handlers]);
    manager = server.app.get(StreamingManager);
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.disconnect();
  });
  afterAll(() => server.close());

  it('negotiates the centrifuge-protobuf subprotocol, subscribes and publishes JSON carried as bytes', async () => {
    const alice = await protobufClient('alice');
    expect((alice as unknown as { _transport: { _transport: WebSocket } })._transport._transport.protocol).toBe('centrifuge-protobuf');
    const sub = await subscribed(alice, 'chat:pb');
    const got = once<any>(sub, 'publication');
    seen.length = 0;
    await sub.publish(new TextEncoder().encode(JSON.stringify({ text: 'hi' })));
    const pub = await got;
    // Handlers saw the parsed value; the publication comes back as JSON bytes.
    expect(seen).toEqual([{ text: 'hi' }]);
    expect(JSON.parse(new TextDecoder().decode(pub.data))).toEqual({ text: 'hi', stamped: true });
    expect(pub.info.user).toBe('alice');
    expect(JSON.parse(new TextDecoder().decode(pub.info.connInfo))).toEqual({ name: 'alice' });
    expect(pub.offset).toBeGreaterThan(0);
  });

  it('serves JSON and protobuf subscribers of one channel with the same publication', async () => {
    const pb = await protobufClient('alice');
    const json = await jsonClient('bob');
    const pbSub = await subscribed(pb, 'chat:mixed');
    const jsonSub = await subscribed(json, 'chat:mixed');
    const toPb = collect<any>(pbSub, 'publication', 2);
    const toJson = collect<any>(jsonSub, 'publication', 2);
    await pbSub.publish(new TextEncoder().encode(JSON.stringify({ text: 'from protobuf' })));
    await jsonSub.publish({ text: 'from json' });
    const decoded = (await toPb).map((p) => JSON.parse(new TextDecoder().decode(p.data)));
    expect(decoded).toEqual([
      { text: 'from protobuf', stamped: true },
      { text: 'from json', stamped: true },
    ]);
    expect((await toJson).map((p) => p.data)).toEqual(decoded);
  });

  it('encodes a publication once per codec in use on the channel, and only for codecs in use', async () => {
    const jsonReaders = [await jsonClient('bob'), await jsonClient('carol')];
    const jsonSubs = await Promise.all(jsonReaders.map((c) => subscribed(c, 'chat:once')));
    const encodes = { json: jest.spyOn(jsonCodec, 'encodePush'), protobuf: jest.spyOn(protobufCodec, 'encodePush') };
    try {
      const first = jsonSubs.map((s) => once(s, 'publication'));
      await manager.publish('chat:once', { n: 1 });
      await Promise.all(first);
      expect([encodes.json.mock.calls.length, encodes.protobuf.mock.calls.length]).toEqual([1, 0]);

      const pbSubs = [await protobufClient('alice'), await protobufClient('dave')].map((c) => subscribed(c, 'chat:once'));
      const all = [...jsonSubs, ...(await Promise.all(pbSubs))].map((s) => once(s, 'publication'));
      encodes.json.mockClear();
      encodes.protobuf.mockClear();
      await manager.publish('chat:once', { n: 2 });
      await Promise.all(all);
      expect([encodes.json.mock.calls.length, encodes.protobuf.mock.calls.length]).toEqual([1, 1]);
    } finally {
      encodes.json.mockRestore();
      encodes.protobuf.mockRestore();
    }
  });

  it('answers presence, presence stats, history and rpc', async () => {
    const alice = await protobufClient('alice');
    await jsonClient('bob').then((bob) => subscribed(bob, 'chat:state'));
    const sub = await subscribed(alice, 'chat:state');
    const presence = await sub.presence();
    expect(Object.values(presence.clients).map((c: any) => c.user).sort()).toEqual(['alice', 'bob']);
    expect(await sub.presenceStats()).toEqual({ numClients: 2, numUsers: 2 });
    for (let i = 1; i <= 3; i++) await manager.publish('chat:state', { i });
    const history = await sub.history({ limit: -1 });
    expect(history.publications.map((p: any) => JSON.parse(new TextDecoder().decode(p.data)).i)).toEqual([1, 2, 3]);
    const since = await sub.history({ limit: 10, since: { offset: 1, epoch: history.epoch } });
    expect(since.publications.map((p: any) => p.offset)).toEqual([2, 3]);
    const echoed = await alice.rpc('echo', new TextEncoder().encode(JSON.stringify({ a: 1 })));
    expect(JSON.parse(new TextDecoder().decode(echoed.data))).toEqual({ a: 1 });
    await expect(alice.rpc('nope', new TextEncoder().encode('{}'))).rejects.toMatchObject({ code: 104 });
  });

  it('recovers the publications sent while the connection was down', async () => {
    const alice = await protobufClient('alice');
    const sub = await subscribed(alice, 'chat:recovery');
    await manager.publish('chat:recovery', { n: 0 });
    await once(sub, 'publication');
    const received = collect<any>(sub, 'publication', 3);
    const resubscribed = once<any>(sub, 'subscribed');
    alice.once('connecting', () => {
      for (let n = 1; n <= 3; n++) void manager.publish('chat:recovery', { n });
    });
    await manager.disconnect('alice', { code: 3011, reason: 'force reconnect' });
    const ctx = await resubscribed;
    expect(ctx).toMatchObject({ wasRecovering: true, recovered: true });
    expect((await received).map((p) => JSON.parse(new TextDecoder().decode(p.data)).n)).toEqual([1, 2, 3]);
  });

  it('refuses a publication whose bytes are not JSON with 107 and keeps the connection', async () => {
    const alice = await protobufClient('alice');
    const sub = await subscribed(alice, 'chat:bytes');
    await expect(sub.publish(new Uint8Array([0xff, 0x00, 0x7b]))).rejects.toMatchObject({ code: 107 });
    const got = once<any>(sub, 'publication');
    await sub.publish(new TextEncoder().encode('{"ok":true}'));
    expect(JSON.parse(new TextDecoder().decode((await got).data))).toEqual({ ok: true, stamped: true });
  });
});

describe('protobuf pings', () => {
  it('pings with an empty Reply and takes the SDK’s empty Command as the pong', async () => {
    const server = await startApp({ ...options, websocket: { pingInterval: 0.1, pongTimeout: 0.2 } });
    const decode = jest.spyOn(protobufCodec, 'decode');
    const client = protobufSdkClient(server.wsUrl, { token: await connectionToken('alice') });
    const disconnects: number[] = [];
    client.on('disconnected', (ctx) => disconnects.push(ctx.code));
    try {
      await connectedClient(client);
      const pongs = () => decode.mock.results.filter((r) => r.type === 'return' && (r.value as Array<{ method: string }>)[0]?.method === 'pong').length;
      const deadline = Date.now() + 5000;
      while (pongs() < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(pongs()).toBeGreaterThanOrEqual(3);
      expect(disconnects).toEqual([]);
      expect(server.app.get(StreamingManager).stats().numClients).toBe(1);
    } finally {
      decode.mockRestore();
      client.disconnect();
      await server.close();
    }
  });
});

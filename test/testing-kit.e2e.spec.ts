import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ConnectedClient, OnPublish, OnRpc, StreamingBody, StreamingHandlers, StreamingManager, StreamingModule, type ClientInfo } from '../lib/index.js';
import { StreamingTestError, StreamingTestServer } from '../lib/testing/index.js';
import { importPeers } from '../lib/testing/testing-peers.js';
import { TEST_SECRET } from './support/tokens.js';

const logger = process.env.TEST_LOGS ? undefined : false;

@Injectable()
class Greeter {
  greet(user: string) {
    return `hello ${user}`;
  }
}

@StreamingHandlers()
@Injectable()
class ChatHandlers {
  constructor(private readonly greeter: Greeter) {}

  @OnRpc('greet')
  greet(@ConnectedClient() client: ClientInfo) {
    return this.greeter.greet(client.user);
  }

  @OnPublish('chat:*')
  stamp(@StreamingBody('text') text: string, @ConnectedClient() client: ClientInfo) {
    return { data: { text, by: client.user } };
  }
}

const streaming = StreamingModule.forRoot({
  auth: { jwt: { secret: TEST_SECRET }, anonymous: true },
  namespaces: { chat: { allowPublishForSubscriber: true }, news: {} },
});

describe('@streaming/nest/testing', () => {
  let server: StreamingTestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it("tests a user's handler in five lines", async () => {
    server = await StreamingTestServer.start({ imports: [streaming], providers: [Greeter, ChatHandlers] }, { logger });
    const alice = await server.connect('alice');
    await alice.subscribe('chat:room');
    await alice.publish('chat:room', { text: 'hi' });
    expect((await alice.nextPublication()).data).toEqual({ text: 'hi', by: 'alice' });
  });

  it('takes a testing module builder, so providers can be overridden', async () => {
    const builder = Test.createTestingModule({ imports: [streaming], providers: [Greeter, ChatHandlers] })
      .overrideProvider(Greeter)
      .useValue({ greet: (user: string) => `hi ${user}, from the fake` });
    server = await StreamingTestServer.start(builder, { logger });
    expect(await (await server.connect('bob')).rpc('greet')).toBe('hi bob, from the fake');
    expect(server.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/connection\/websocket$/);
  });

  it('hands out publications in arrival order, by channel when asked, and waits for the next one', async () => {
    server = await StreamingTestServer.start({ imports: [streaming], providers: [Greeter, ChatHandlers] }, { logger });
    const manager = server.get(StreamingManager);
    const carol = await server.connect('carol', { channels: ['news:server-side'] });
    await carol.subscribe('chat:a');
    await manager.publish('chat:a', { n: 1 });
    await manager.publish('news:server-side', { n: 2 });
    await manager.publish('chat:a', { n: 3 });
    expect((await carol.nextPublication('news:server-side')).data).toEqual({ n: 2 });
    expect((await carol.nextPublication()).data).toEqual({ n: 1 });
    expect((await carol.nextPublication()).data).toEqual({ n: 3 });
    const later = carol.nextPublication('chat:a');
    await manager.publish('chat:a', { n: 4 });
    expect((await later).data).toEqual({ n: 4 });
  });

  it('says so when the module under test lacks StreamingModule', async () => {
    await expect(StreamingTestServer.start({ providers: [Greeter] }, { logger })).rejects.toThrow(
      'StreamingTestServer: the app does not import StreamingModule (forRoot or forRootAsync)',
    );
  });

  it('connects anonymously without a user, and rejects a refused connection with its code', async () => {
    server = await StreamingTestServer.start({ imports: [streaming], providers: [Greeter, ChatHandlers] }, { logger });
    expect(await (await server.connect()).rpc('greet')).toBe('hello ');
    const refused = await server.connect(undefined, { token: 'not-a-token' }).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(StreamingTestError);
    expect(refused).toMatchObject({ code: 3500 });
  });

  it('expectError resolves on the code, and rejects on success, on another code, or when nothing comes', async () => {
    server = await StreamingTestServer.start({ imports: [streaming], providers: [Greeter, ChatHandlers] }, { logger });
    const dave = await server.connect('dave', { timeout: 300 });
    expect((await dave.expectError(104, dave.rpc('nope'))).code).toBe(104);
    await expect(dave.expectError(104, dave.rpc('greet'))).rejects.toThrow('expected error 104, but it succeeded');
    await expect(dave.expectError(103, () => dave.rpc('nope'))).rejects.toThrow('expected error 103, got 104 method not found');
    await expect(dave.expectError(103, new Promise(() => undefined))).rejects.toThrow('timed out after 300 ms waiting for error 103');
    await expect(dave.nextPublication('chat:quiet')).rejects.toThrow('timed out after 300 ms waiting for a publication in chat:quiet');
    // The timed-out wait took nothing: the next publication is there for the next call.
    await dave.subscribe('chat:quiet');
    await server.get(StreamingManager).publish('chat:quiet', { n: 1 });
    expect((await dave.nextPublication('chat:quiet')).data).toEqual({ n: 1 });
  });

  it('reports the server\'s disconnect code to later calls, not the SDK\'s "connection closed"', async () => {
    server = await StreamingTestServer.start({ imports: [streaming], providers: [Greeter, ChatHandlers] }, { logger });
    const erin = await server.connect('erin', { timeout: 500 });
    const closed = erin.expectError(4501, new Promise(() => undefined));
    await server.get(StreamingManager).disconnect('erin', { code: 4501, reason: 'go away' });
    await closed;
    await expect(erin.publish('chat:room', { text: 'hi' })).rejects.toMatchObject({ code: 4501, message: '4501 go away' });
  });

  it('gives up before the test runner does, and says so when a channel is subscribed twice', async () => {
    server = await StreamingTestServer.start({ imports: [streaming], providers: [Greeter, ChatHandlers] }, { logger });
    const frank = await server.connect('frank');
    const started = Date.now();
    await expect(frank.nextPublication('chat:quiet')).rejects.toThrow('timed out after 2000 ms');
    expect(Date.now() - started).toBeLessThan(5000);
    await frank.subscribe('chat:room');
    await expect(frank.subscribe('chat:room')).rejects.toThrow('StreamingTestClient: already subscribed to chat:room');
  });

  it('applies a list of log levels, even after an app that logged nothing', async () => {
    // No key, no authenticator: the module warns at start-up, which the levels let through or not.
    @Module({ imports: [StreamingModule.forRoot({})] })
    class KeylessModule {}
    await (await StreamingTestServer.start({ imports: [KeylessModule] }, { logger: false })).close();
    const printed: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((chunk: string | Uint8Array) => printed.push(String(chunk)) > 0) as typeof process.stdout.write;
    try {
      server = await StreamingTestServer.start({ imports: [KeylessModule] }, { logger: ['warn'] });
      await server.close();
      server = await StreamingTestServer.start({ imports: [KeylessModule] }, { logger: ['error'] });
    } finally {
      process.stdout.write = write;
    }
    expect(printed.filter((line) => line.includes('no client can connect'))).toHaveLength(1);
  });

  it('names every missing optional peer at once, with the command that installs them', async () => {
    await expect(importPeers(['@nestjs/testing', 'no-such-peer-a', 'no-such-peer-b'])).rejects.toThrow(
      '@streaming/nest/testing needs no-such-peer-a and no-such-peer-b, not installed here: npm install --save-dev no-such-peer-a no-such-peer-b',
    );
    expect(await importPeers(['@nestjs/testing'])).toHaveLength(1);
  });
});

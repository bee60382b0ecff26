import { ForbiddenException, Injectable } from '@nestjs/common';
import { type ClientInfo, ConnectedClient, OnDisconnect, OnMessage, OnRpc, StreamingBody, StreamingHandlers, StreamingManager, StreamingModule } from '../../lib/index.js';
import { StreamingTestServer } from '../../lib/testing/index.js';
import { CapturingLogger } from '../support/capturing-logger.js';
import { eventually } from '../support/eventually.js';
import { RawClient } from '../support/raw-client.js';
import { failEvery } from '../support/store-gate.js';
import { storesOf } from '../support/stores.js';
import { connectionToken, TEST_SECRET } from '../support/tokens.js';

@StreamingHandlers()
@Injectable()
class RecordingHandlers {
  readonly calls: string[] = [];

  @OnRpc('echo')
  echo(@StreamingBody() body: unknown) {
    this.calls.push(`echo ${JSON.stringify(body)}`);
    return body;
  }

  @OnMessage()
  message(@StreamingBody() body: { refuse?: boolean }) {
    this.calls.push(`message ${JSON.stringify(body)}`);
    if (body.refuse) throw new ForbiddenException('not this one');
  }

  @OnDisconnect()
  gone(@ConnectedClient() who: ClientInfo) {
    this.calls.push(`disconnect ${who.user}`);
  }
}

const line = (command: object) => JSON.stringify(command);
const echo = (id: number) => line({ id, rpc: { method: 'echo', data: { n: id } } });

/** How a connection runs the commands of its frames (what Stryker found untested in `ClientSession`). */
describe('a client session', () => {
  let server: StreamingTestServer;
  let logs: CapturingLogger;
  let handlers: RecordingHandlers;
  const raws: RawClient[] = [];

  // A server per test: the log summarizer holds a cause's second line within a second, so each test's first is its own.
  beforeEach(async () => {
    logs = new CapturingLogger();
    const streaming = StreamingModule.forRoot({
      auth: { jwt: { secret: TEST_SECRET } },
      websocket: { maxPendingCommands: 4 },
      namespaces: { feed: { presence: true } },
    });
    server = await StreamingTestServer.start({ imports: [streaming], providers: [RecordingHandlers] }, { logger: logs });
    handlers = server.get(RecordingHandlers);
  });
  afterEach(async () => {
    for (const raw of raws.splice(0)) raw.close();
    await server.close();
  });

  async function open(): Promise<RawClient> {
    const raw = await RawClient.open(server.url);
    raws.push(raw);
    return raw;
  }

  it('sends nothing for a command without an id, whether it succeeds or fails', async () => {
    const raw = await open();
    const token = await connectionToken('alice');
    // A send has no reply, and a refused one (103) has no one to answer.
    const sends = [{ hi: 1 }, { refuse: true }].map((data) => line({ send: { data } }));
    raw.send([line({ id: 1, connect: { token } }), ...sends, echo(2)].join('\n'));
    expect((await raw.reply(2)).rpc).toEqual({ data: { n: 2 } });
    expect(raw.messages.map((m) => m.id)).toEqual([1, 2]);
    expect(handlers.calls).toEqual(['message {"hi":1}', 'message {"refuse":true}', 'echo {"n":2}']);
    expect(logs.about('error 103 not this one on an id-less command')).toHaveLength(1);
  });

  it('runs no command queued behind one that closed the connection', async () => {
    const raw = await open();
    const token = await connectionToken('alice');
    // A refresh with a token that is no JWT closes with 3500; the echo after it in the same frame must not run.
    raw.send([line({ id: 1, connect: { token } }), line({ id: 2, refresh: { token: 'not a token' } }), echo(3)].join('\n'));
    expect(await raw.closeCode()).toBe(3500);
    expect(handlers.calls.filter((call) => call.startsWith('echo'))).toEqual([]);
    expect(raw.messages.some((m) => m.id === 3)).toBe(false);
  });

  it('releases a session the server closed once, though its socket then closes too', async () => {
    const alice = await open();
    alice.send([line({ id: 1, connect: { token: await connectionToken('alice') } }), line({ id: 2, refresh: { token: 'not a token' } })].join('\n'));
    expect(await alice.closeCode()).toBe(3500);
    // Bob's whole visit comes after alice's socket closed: her release, had it run twice, is in by then.
    const bob = await RawClient.connected(server.url, await connectionToken('bob'));
    bob.close();
    await eventually(() => expect(handlers.calls).toContain('disconnect bob'));
    expect(handlers.calls).toEqual(['disconnect alice', 'disconnect bob']);
  });

  it('runs the disconnect hook for a connected client only, not for a socket closed before its connect', async () => {
    const silent = await open();
    silent.close();
    await silent.closed;
    const alice = await RawClient.connected(server.url, await connectionToken('alice'));
    alice.close();
    await eventually(() => expect(handlers.calls).toContain('disconnect alice'));
    expect(handlers.calls).toEqual(['disconnect alice']);
  });

  it('cleans up the other channels, and runs the disconnect hook, when one channel\'s cleanup fails on close', async () => {
    const alice = await RawClient.connected(server.url, await connectionToken('alice'));
    raws.push(alice);
    alice.send([line({ id: 2, subscribe: { channel: 'feed:a' } }), line({ id: 3, subscribe: { channel: 'feed:b' } })].join('\n'));
    await alice.reply(3);
    const manager = server.get(StreamingManager);
    expect(Object.keys(await manager.presence('feed:b'))).toHaveLength(1);
    const restore = failEvery(storesOf(server.app).presence, 'remove', 'feed:a');
    try {
      alice.close();
      await eventually(() => expect(handlers.calls).toContain('disconnect alice'));
      expect(await manager.presence('feed:b')).toEqual({});
      expect(logs.about('cleanup in "feed:a" failed: Error: test: remove of feed:a failed')).toMatchObject([{ level: 'error' }]);
    } finally {
      restore();
    }
  });

  it('closes with 3501 on a second connect after a refused one, even with a good token', async () => {
    const raw = await open();
    raw.command({ id: 1, connect: { token: await connectionToken('alice', {}, -60) } });
    expect((await raw.reply(1)).error.code).toBe(109);
    raw.command({ id: 2, connect: { token: await connectionToken('alice') } });
    expect(await raw.closeCode()).toBe(3501);
    expect(raw.messages.some((m) => m.id === 2)).toBe(false);
    expect(logs.about('disconnect: 3501')[0].text).toContain('(command after a refused connect)');
  });

  it('closes with 3501 on a command before connect, naming the command in the log', async () => {
    const raw = await open();
    raw.send(echo(1));
    expect(await raw.closeCode()).toBe(3501);
    expect(logs.about('disconnect: 3501')[0].text).toContain('(rpc before connect)');
  });

  it('takes exactly maxPendingCommands commands in one frame, and closes with 3013 on one more', async () => {
    const token = await connectionToken('alice');
    const full = await open();
    full.send([line({ id: 1, connect: { token } }), echo(2), echo(3), echo(4)].join('\n'));
    expect((await full.reply(4)).rpc).toEqual({ data: { n: 4 } });

    const over = await open();
    over.send([line({ id: 1, connect: { token } }), echo(2), echo(3), echo(4), echo(5)].join('\n'));
    expect(await over.closeCode()).toBe(3013);
    expect(logs.about('disconnect: 3013')[0].text).toContain('(too many commands waiting)');
  });
});

/** The command rate seen from one connection: its refusals are logged once per window. */
describe('a client session over its command rate', () => {
  let server: StreamingTestServer;
  let logs: CapturingLogger;

  beforeAll(async () => {
    logs = new CapturingLogger();
    const streaming = StreamingModule.forRoot({
      auth: { jwt: { secret: TEST_SECRET } },
      limits: { commandsPerSecond: 1, commandBurst: 2, maxRefusedCommands: 3 },
    });
    server = await StreamingTestServer.start({ imports: [streaming], providers: [RecordingHandlers] }, { logger: logs });
  });
  afterAll(() => server.close());

  it('logs its first refusal, and names why it closes the connection with 3013', async () => {
    const raw = await RawClient.open(server.url);
    try {
      const token = await connectionToken('alice');
      // connect and one echo take the burst of 2; three refusals are allowed, the fourth closes.
      raw.send([line({ id: 1, connect: { token } }), echo(2), echo(3), echo(4), echo(5)].join('\n'));
      expect((await raw.reply(5)).error.code).toBe(111);
      expect(logs.about('refusing with 111')).toHaveLength(1);
      expect(logs.about('refusing with 111')[0].text).toContain('over 1 commands/s');
      raw.send(echo(6));
      expect(await raw.closeCode()).toBe(3013);
      expect(logs.about('disconnect: 3013')[0].text).toContain('(kept sending commands after being refused)');
    } finally {
      raw.close();
    }
  });
});

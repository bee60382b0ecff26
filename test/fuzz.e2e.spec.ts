import { Injectable } from '@nestjs/common';
import type { Centrifuge } from 'centrifuge';
import { StreamingBody, OnRpc, StreamingHandlers, StreamingManager, type LimitsOptions } from '../lib/index.js';
import { startApp, type TestApp } from './support/app.js';
import { once, sdkClient } from './support/centrifuge-client.js';
import { FrameGenerator, prng } from './support/fuzz-frames.js';
import { RawClient } from './support/raw-client.js';
import { connectionToken, hmacKey, signToken, claimsFor, subscriptionToken, TEST_SECRET } from './support/tokens.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261124);
const FRAMES = Number(process.env.FUZZ_FRAMES ?? 10_000);
const WORKERS = 8;
/**
 * A run takes about 0.35 ms a frame on an idle machine; the budget allows twenty times that (a
 * loaded CI box) instead of jest's default 20 s, which a loaded machine missed.
 */
const timeoutFor = (frames: number) => Math.max(30_000, frames * 7);
/** A burst's closing command must be answered (or the connection closed) within this, loaded or not. */
const ANSWER_MS = 10_000;
/** Channels whose publications no fuzz connection (user mallory, or anonymous) may ever receive. */
const FORBIDDEN = ['dm:#alice,bob', 'secret:x'];
/** How the server may end a fuzz connection: all are protocol answers to bad input, none a fault. */
const ALLOWED_CLOSES = [1009, 3005, 3500, 3501, 3010, 3013, 3505];

/**
 * Two servers: one whose rate limit is off, so that the engine rather than the limiter meets most
 * frames, and one with every limit tight, so that refusals and limit disconnects are fuzzed too.
 */
const SETUPS: Array<{ name: string; limits: LimitsOptions; frames: number; allowedCloses: number[] }> = [
  { name: 'without a rate limit', limits: { commandsPerSecond: 0, maxChannelsPerConnection: 4 }, frames: FRAMES, allowedCloses: ALLOWED_CLOSES },
  {
    name: 'with tight limits',
    limits: {
      commandsPerSecond: 20,
      commandBurst: 10,
      maxRefusedCommands: 5,
      maxChannelsPerConnection: 4,
      maxConnectionsPerUser: 3,
      maxPublicationDataSize: 512,
    },
    frames: Math.round(FRAMES / 2),
    allowedCloses: [...ALLOWED_CLOSES, 3504],
  },
];

@StreamingHandlers()
@Injectable()
class EchoHandlers {
  @OnRpc('echo')
  echo(@StreamingBody() data: unknown) {
    return data;
  }
}

/**
 * A seeded fuzzer: 10,000 random, plausible and mutated frames over many raw connections, while a
 * real SDK client stays subscribed. Reproduce a failure with FUZZ_SEED=<seed printed> npm test -- test/fuzz.
 */
describe.each(SETUPS)(`fuzzing the protocol $name (seed ${SEED})`, ({ limits, frames, allowedCloses }) => {
  let server: TestApp;
  let manager: StreamingManager;
  let watcher: Centrifuge;
  const problems: string[] = [];
  const onUnhandled = (reason: unknown) => problems.push(`unhandled rejection: ${String(reason)}`);

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    server = await startApp(
      {
        auth: { jwt: { secret: TEST_SECRET }, anonymous: true },
        namespaces: {
          chat: { presence: true, joinLeave: true, historySize: 20, historyTtl: 60, forceRecovery: true, allowPublishForSubscriber: true },
          dm: { allowSubscribeForClient: false, allowPublishForSubscriber: true },
          secret: { allowSubscribeForClient: false },
        },
        websocket: { maxMessageSize: 32 * 1024 },
        limits,
      },
      [EchoHandlers],
    );
    manager = server.app.get(StreamingManager);
    watcher = sdkClient(server.wsUrl, { token: await connectionToken('watcher') });
    const sub = watcher.newSubscription('chat:watch');
    const ready = once(sub, 'subscribed');
    watcher.connect();
    sub.subscribe();
    await ready;
  });

  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    watcher.disconnect();
    await server.close();
  });

  async function tokens(): Promise<string[]> {
    return [
      await connectionToken('mallory'),
      await connectionToken('mallory', { channels: ['chat:a', 'chat:b', 'chat:c', 'chat:d', 'chat:e'] }),
      await connectionToken('mallory', { channels: ['chat:watch'] }),
      await connectionToken('mallory', {}, -60),
      await subscriptionToken('mallory', 'chat:a'),
      await subscriptionToken('alice', 'secret:x'),
      await signToken(claimsFor('alice'), 'HS256', hmacKey('not-the-secret')),
      'not.a.token',
      '',
    ];
  }

  it(`survives ${frames} frames; the watcher gets every publication in order and nothing leaks`, async () => {
    const random = prng(SEED);
    const channels = ['chat:a', 'chat:watch', 'dm:#alice,bob', 'dm:#mallory,alice', 'secret:x', 'nope:x', 'chat:\u0001', 'chat:a\u0000', 'chat:\u202eü😀', '', 'x'.repeat(300), 'chat:*', '#', 'general'];
    const generator = new FrameGenerator(random, channels, await tokens());
    const validToken = await connectionToken('mallory');
    const closes = new Map<number, number>();
    let sent = 0;
    let connections = 0;
    let marker = 1e9;

    // The server publishes all along: into the watched channel, and into channels the fuzzers must never see.
    const watchSub = watcher.getSubscription('chat:watch')!;
    const received: number[] = [];
    watchSub.on('publication', (ctx) => {
      if (ctx.data?.from === 'server') received.push(ctx.data.seq);
    });
    let seq = 0;
    const publisher = setInterval(() => {
      void manager.publish('chat:watch', { from: 'server', seq: seq++ });
      for (const channel of FORBIDDEN) void manager.publish(channel, { leak: channel });
    }, 10);

    async function fuzzConnection(): Promise<void> {
      const c = await RawClient.open(server.wsUrl);
      connections++;
      let open = true;
      void c.closed.then(({ code }) => {
        if (!open) return;
        open = false;
        closes.set(code, (closes.get(code) ?? 0) + 1);
        if (!allowedCloses.includes(code)) problems.push(`connection closed with ${code}`);
      });
      const seen = c.messages.length;
      if (random() < 0.8) {
        c.command({ id: 1, connect: random() < 0.7 ? { token: validToken } : {} });
        await c.reply(1).catch(() => undefined);
      }
      while (open && sent < frames) {
        for (let n = 1 + Math.floor(random() * 8); n > 0 && sent < frames; n--) {
          c.ws.send(generator.frame(), () => undefined);
          sent++;
        }
        // Every burst ends with a command that must be answered or get the connection closed: never a hang.
        const id = marker++;
        c.ws.send(JSON.stringify({ id, rpc: { method: 'echo', data: id } }), () => undefined);
        const answered = await Promise.race([c.reply(id, ANSWER_MS).then(() => true), c.closed.then(() => true)]).catch(() => false);
        if (!answered) problems.push(`no answer and no close within ${ANSWER_MS} ms after frame ${sent}`);
      }
      for (const message of c.messages.slice(seen)) {
        const channel = message.push?.channel;
        if (FORBIDDEN.includes(channel)) problems.push(`a fuzz connection received a push of ${channel}`);
        if (message.error?.code === 100) problems.push(`internal error reply: ${JSON.stringify(message)}`);
      }
      // Our own close is not the server's answer to anything.
      open = false;
      c.close();
    }

    const started = Date.now();
    try {
      await Promise.all(
        Array.from({ length: WORKERS }, async () => {
          while (sent < frames) await fuzzConnection();
        }),
      );
    } finally {
      clearInterval(publisher);
    }
    const published = seq;
    const deadline = Date.now() + ANSWER_MS;
    while (received.length < published && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));

    const summary = `seed ${SEED}: ${sent} frames over ${connections} connections in ${Date.now() - started} ms; closes ${JSON.stringify(Object.fromEntries(closes))}`;
    expect({ summary, problems: problems.slice(0, 20) }).toEqual({ summary, problems: [] });
    expect(received).toEqual(Array.from({ length: published }, (_, i) => i));
    expect(watcher.state).toBe('connected');
    expect(connections).toBeGreaterThan(WORKERS);
  }, timeoutFor(frames));
});

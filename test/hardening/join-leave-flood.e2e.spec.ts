import { StreamingManager } from '../../lib/index.js';
import { startApp, type TestApp } from '../support/app.js';
import { RawClient } from '../support/raw-client.js';
import { upgradeOutcome } from '../support/upgrade-outcome.js';

const SUBSCRIBERS = 60;
const FLOOD = 150;
const CHANNEL = 'lobby:main';

async function subscriber(server: TestApp): Promise<RawClient> {
  const raw = await RawClient.open(server.wsUrl);
  raw.command({ id: 1, connect: {} });
  await raw.reply(1);
  raw.command({ id: 2, subscribe: { channel: CHANNEL, join_leave: true } });
  await raw.reply(2);
  return raw;
}

/** Connects, subscribes and leaves: one join and one leave for everyone else in the channel. */
async function passer(server: TestApp): Promise<void> {
  const raw = await subscriber(server);
  raw.close();
  await raw.closed;
}

/** Join/leave amplification and connection-attempt floods (issue 13, 3). */
describe('join/leave under a connect flood', () => {
  it('a channel above maxJoinLeaveSubscribers stops pushing join/leave, and publications stay prompt', async () => {
    const server = await startApp({
      auth: { anonymous: true },
      namespaces: { lobby: { presence: true, joinLeave: true, forcePushJoinLeave: true, allowSubscribeForAnonymous: true } },
      limits: { maxJoinLeaveSubscribers: 50 },
    });
    const subscribers: RawClient[] = [];
    try {
      // Below the cap, join/leave is pushed as usual.
      subscribers.push(await subscriber(server));
      subscribers.push(await subscriber(server));
      await subscribers[0]!.waitFor((m) => m.push?.join);
      for (let i = subscribers.length; i < SUBSCRIBERS; i++) subscribers.push(await subscriber(server));
      for (const raw of subscribers) raw.messages.length = 0;

      const manager = server.app.get(StreamingManager);
      const latencies: number[] = [];
      for (const raw of subscribers) {
        raw.ws.on('message', (data) => {
          for (const line of data.toString().split('\n')) {
            const at = JSON.parse(line).push?.pub?.data?.at;
            if (at !== undefined) latencies.push(Date.now() - at);
          }
        });
      }
      const flood = (async () => {
        for (let i = 0; i < FLOOD; i += 10) await Promise.all(Array.from({ length: 10 }, () => passer(server)));
      })();
      let sent = 0;
      const publishing = (async () => {
        while (sent < 20) {
          await manager.publish(CHANNEL, { at: Date.now() });
          sent++;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      })();
      await Promise.all([flood, publishing]);
      for (const raw of subscribers) {
        await raw.waitFor(() => raw.messages.filter((m) => m.push?.pub).length === sent, 5000);
      }
      let joinLeave = 0;
      for (const raw of subscribers) {
        for (const m of raw.messages) {
          if (m.push?.join || m.push?.leave) joinLeave++;
        }
      }
      // Uncapped, every subscriber gets a join and a leave per passer: 60 × 150 × 2 = 18,000 pushes.
      expect(joinLeave).toBe(0);
      expect(latencies).toHaveLength(SUBSCRIBERS * sent);
      latencies.sort((a, b) => a - b);
      const p99 = latencies[Math.floor(latencies.length * 0.99)]!;
      expect(p99).toBeLessThan(1000);
    } finally {
      for (const raw of subscribers) raw.close();
      await server.close();
    }
  });

  it('answers 429 to an address over connectionAttemptsPerSecond, before the WebSocket exists', async () => {
    const server = await startApp({ auth: { anonymous: true }, limits: { connectionAttemptsPerSecond: 2, connectionAttemptBurst: 5 } });
    try {
      const outcomes = await Promise.all(Array.from({ length: 30 }, () => upgradeOutcome(server.wsUrl)));
      const opened = outcomes.filter((o) => o === 'open').length;
      // The burst, and what refilled while the attempts were under way.
      expect(opened).toBeGreaterThanOrEqual(5);
      expect(opened).toBeLessThanOrEqual(8);
      expect(outcomes.filter((o) => o === 429)).toHaveLength(30 - opened);
    } finally {
      await server.close();
    }
  });
});

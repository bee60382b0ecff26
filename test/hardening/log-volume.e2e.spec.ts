import { Module, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { AddressInfo } from 'node:net';
import { StreamingModule } from '../../lib/index.js';
import { RawClient } from '../support/raw-client.js';
import { connectionToken, TEST_SECRET } from '../support/tokens.js';

/** Every line the app logs, with its level. */
class RecordingLogger implements LoggerService {
  readonly lines: Array<{ level: string; message: string }> = [];
  private record = (level: string) => (message: unknown) => {
    this.lines.push({ level, message: String(message) });
  };
  log = this.record('log');
  warn = this.record('warn');
  error = this.record('error');
  debug = this.record('debug');
  verbose = this.record('verbose');
}

const HOSTILE = 150;

/** Logging under attack (issue 13, 7; issue 8, 8). */
describe('log volume under a hostile flood', () => {
  it('writes a bounded number of lines, refusals and client mistakes below warn, disconnect reasons at verbose', async () => {
    @Module({
      imports: [
        StreamingModule.forRoot({
          auth: { jwt: { secret: TEST_SECRET } },
          websocket: { connectTimeout: 0.3 },
          limits: { commandsPerSecond: 5, commandBurst: 5 },
        }),
      ],
    })
    class FloodedModule {}
    const logger = new RecordingLogger();
    const app = await NestFactory.create(FloodedModule, { logger });
    await app.listen(0, '127.0.0.1');
    const url = `ws://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}/connection/websocket`;
    try {
      const startedAt = Date.now();
      logger.lines.length = 0;
      const token = await connectionToken('mallory');
      const attacks: Array<(raw: RawClient) => unknown> = [
        (raw: RawClient) => raw.send('{not json'),
        (raw: RawClient) => raw.command({ id: 1, subscribe: { channel: 'x' } }),
        (raw: RawClient) => raw.command({ id: 1, connect: { token: 'forged' } }),
        () => undefined,
        async (raw: RawClient) => {
          // Refused publishes (103), then refused for the rate (111); then it leaves.
          raw.command({ id: 1, connect: { token } });
          for (let id = 2; id < 20; id++) raw.command({ id, publish: { channel: 'nope', data: {} } });
          await raw.reply(19);
          raw.close();
        },
      ];
      await Promise.all(
        Array.from({ length: HOSTILE }, async (_, i) => {
          const raw = await RawClient.open(url);
          await attacks[i % attacks.length]!(raw);
          await raw.closeCode(5000).catch(() => raw.ws.terminate());
        }),
      );
      const seconds = Math.ceil((Date.now() - startedAt) / 1000);

      const causes = new Set(logger.lines.map((l) => l.message.replace(/client \S+ user "[^"]*"/, '').replace(/\d+/g, '#')));
      // One line per cause per second at most, where every attempt used to write one or two.
      expect(logger.lines.length).toBeLessThanOrEqual(causes.size * (seconds + 1));
      expect(logger.lines.length).toBeLessThan(HOSTILE / 3);
      expect(logger.lines.filter((l) => l.level === 'warn' || l.level === 'error' || l.level === 'log')).toEqual([]);
      const reasons = logger.lines.filter((l) => l.level === 'verbose').map((l) => l.message);
      for (const code of [3501, 3502, 3500]) expect(reasons.some((m) => m.includes(`: ${code} `))).toBe(true);
    } finally {
      await app.close();
    }
  });
});

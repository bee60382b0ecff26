import { Injectable } from '@nestjs/common';
import { OnConnect, StreamingHandlers } from '../../lib/index.js';
import { startApp } from '../support/app.js';
import { connectOutcome, sdkClient } from '../support/centrifuge-client.js';
import { RawClient } from '../support/raw-client.js';
import { upgradeOutcome } from '../support/upgrade-outcome.js';
import { connectionToken, TEST_SECRET } from '../support/tokens.js';

/** An app whose connect hook takes longer than the connect timeout, as one calling a slow service. */
@StreamingHandlers()
@Injectable()
class SlowConnectHandlers {
  @OnConnect()
  async slow() {
    await new Promise((resolve) => setTimeout(resolve, 600));
  }
}

/** Sockets that never send `connect` (issue 13, 1). */
describe('connect timeout', () => {
  it('closes sockets that never connect with 3502 in time, and they stop starving real clients', async () => {
    const server = await startApp({
      auth: { jwt: { secret: TEST_SECRET } },
      // Long enough that opening 41 sockets on a loaded machine fits inside it: the 41st must find all 40 open.
      websocket: { connectTimeout: 2 },
      limits: { maxConnections: 40 },
    });
    try {
      const idle = await Promise.all(Array.from({ length: 40 }, () => RawClient.open(server.wsUrl)));
      const openedAt = Date.now();
      // They count against the node's limit: the next upgrade is refused before the WebSocket exists.
      expect(await upgradeOutcome(server.wsUrl)).toBe(503);

      const codes = await Promise.all(idle.map((raw) => raw.closeCode(3000)));
      expect(new Set(codes)).toEqual(new Set([3502]));
      expect(Date.now() - openedAt).toBeLessThan(4500);

      const client = sdkClient(server.wsUrl, { token: await connectionToken('alice') });
      expect(await connectOutcome(client)).toBe('connected');
      client.disconnect();
    } finally {
      await server.close();
    }
  });

  it('does not close a client that connected, nor one whose connect was refused but keeps no slot beyond the deadline', async () => {
    const server = await startApp({ auth: { jwt: { secret: TEST_SECRET } }, websocket: { connectTimeout: 0.3 } });
    try {
      const connected = await RawClient.open(server.wsUrl);
      connected.command({ id: 1, connect: { token: await connectionToken('bob') } });
      expect((await connected.reply(1)).connect).toBeDefined();
      const refused = await RawClient.open(server.wsUrl);
      refused.command({ id: 1, connect: { token: await connectionToken('carol', {}, -10) } });
      expect((await refused.reply(1)).error.code).toBe(109);

      expect(await refused.closeCode(2000)).toBe(3502);
      // Well past the deadline, the connected one is still served.
      connected.command({ id: 2, presence_stats: { channel: 'x' } });
      expect(await connected.reply(2)).toMatchObject({ id: 2 });
      connected.close();
    } finally {
      await server.close();
    }
  });

  it('does not cut off a client whose connect is still being handled when the deadline passes', async () => {
    const server = await startApp({ auth: { jwt: { secret: TEST_SECRET } }, websocket: { connectTimeout: 0.2 } }, [SlowConnectHandlers]);
    try {
      const client = sdkClient(server.wsUrl, { token: await connectionToken('dave') });
      expect(await connectOutcome(client)).toBe('connected');
      client.disconnect();
    } finally {
      await server.close();
    }
  });
});

import type { AddressInfo } from 'node:net';
import { createSampleApp } from '../../sample/app.js';
import { loadConfig } from '../../sample/config.js';
import { RawClient } from '../support/raw-client.js';

/** What issue 13 holds the sample to, checked from outside: a silent socket is closed within 10 s; shutdown closes every socket with 3001. */
describe('sample contract', () => {
  it('closes a socket that never connects within 10 s, and on shutdown gives connected and connecting clients 3001', async () => {
    const app = await createSampleApp(loadConfig({}), { logger: false });
    await app.listen(0, '127.0.0.1');
    const url = `ws://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}/connection/websocket`;
    let closed = false;
    try {
      const silent = await RawClient.open(url);
      const openedAt = Date.now();
      expect(await silent.closeCode(10_000)).toBe(3502);
      expect(Date.now() - openedAt).toBeLessThanOrEqual(10_000);

      const connected = await RawClient.open(url);
      connected.command({ id: 1, connect: {} });
      await connected.reply(1);
      const connecting = await RawClient.open(url);
      closed = true;
      await app.close();
      expect(await Promise.all([connected.closeCode(), connecting.closeCode()])).toEqual([3001, 3001]);
    } finally {
      if (!closed) await app.close();
    }
  }, 20_000);
});

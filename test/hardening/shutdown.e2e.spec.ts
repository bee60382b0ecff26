import { StreamingManager } from '../../lib/index.js';
import { startApp } from '../support/app.js';
import { RawClient } from '../support/raw-client.js';

/** Shutdown gives close frames their chance (issue 13, 6). */
describe('shutdown', () => {
  it('every client, connected with queued data or never connected, gets its close frame (3001), none 1006', async () => {
    const server = await startApp({
      auth: { anonymous: true },
      channel: { allowSubscribeForAnonymous: true },
      // A grace wide enough for 60 MB to drain on a loaded machine: what is tested is that the close
      // frames wait behind the queued data, not how fast loopback is.
      websocket: { maxQueueSize: 16 * 1024 * 1024, closeTimeout: 15 },
    });
    const connected: RawClient[] = [];
    for (let i = 0; i < 10; i++) {
      const raw = await RawClient.open(server.wsUrl);
      raw.command({ id: 1, connect: {} });
      raw.command({ id: 2, subscribe: { channel: 'news' } });
      await raw.reply(2);
      connected.push(raw);
    }
    const idle = await Promise.all(Array.from({ length: 30 }, () => RawClient.open(server.wsUrl)));
    const manager = server.app.get(StreamingManager);
    // Queued when the shutdown begins: 6 MB per client, more than the kernel's socket buffers take at once.
    for (let i = 0; i < 12; i++) void manager.publish('news', { i, filler: 'y'.repeat(512 * 1024) });
    await server.close();

    const codes = await Promise.all([...connected, ...idle].map((raw) => raw.closeCode(3000)));
    expect(codes.filter((code) => code !== 3001)).toEqual([]);
    // The close frame came after what was queued before it.
    for (const raw of connected) expect(raw.messages.filter((m) => m.push?.pub)).toHaveLength(12);
  });
});

import WebSocket from 'ws';
import { StreamingManager, type DeliveryOptions } from '../../lib/index.js';
import { startApp, type TestApp } from '../support/app.js';

const CHANNEL = 'feed';

interface Frame {
  at: number;
  bytes: number;
  messages: any[];
}

/** A subscriber that keeps each WebSocket frame as it arrived, with its arrival time. */
async function frameRecorder(server: TestApp): Promise<{ ws: WebSocket; frames: Frame[]; pubs: () => any[] }> {
  const ws = new WebSocket(server.wsUrl);
  const frames: Frame[] = [];
  ws.on('message', (data: Buffer) => {
    frames.push({ at: Date.now(), bytes: data.length, messages: data.toString().split('\n').map((line) => JSON.parse(line)) });
  });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  ws.send(JSON.stringify({ id: 1, connect: {} }));
  ws.send(JSON.stringify({ id: 2, subscribe: { channel: CHANNEL } }));
  const pubs = () => frames.flatMap((f) => f.messages.filter((m) => m.push?.pub).map((m) => m.push.pub.data));
  await until(() => frames.some((f) => f.messages.some((m) => m.id === 2)));
  return { ws, frames, pubs };
}

async function until(condition: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function start(delivery: DeliveryOptions) {
  return startApp({ auth: { anonymous: true }, channel: { allowSubscribeForAnonymous: true }, delivery });
}

/** Batching options (issue 11): maxDelay and the per-frame caps. */
describe('batching', () => {
  it('with maxDelay, messages of several turns share a frame and none waits longer than the delay', async () => {
    const MAX_DELAY = 200;
    const server = await start({ maxDelay: MAX_DELAY });
    try {
      const client = await frameRecorder(server);
      const before = client.frames.length;
      const manager = server.app.get(StreamingManager);
      // One message every 40 ms for 400 ms: a timer restarted by each message would hold them all.
      for (let i = 0; i < 10; i++) {
        await manager.publish(CHANNEL, { i, sentAt: Date.now() });
        await new Promise((resolve) => setTimeout(resolve, 40));
      }
      await until(() => client.pubs().length === 10);
      const frames = client.frames.slice(before);
      expect(frames.length).toBeGreaterThan(1);
      expect(frames.length).toBeLessThan(10);
      for (const frame of frames) {
        for (const m of frame.messages) expect(frame.at - m.push.pub.data.sentAt).toBeLessThanOrEqual(MAX_DELAY + 100);
      }
      expect(client.pubs().map((d) => d.i)).toEqual([...Array(10).keys()]);
      client.ws.terminate();
    } finally {
      await server.close();
    }
  });

  it('frames never pass maxBatchMessages or maxBatchBytes; a message larger than the cap goes alone', async () => {
    const server = await start({ maxBatchMessages: 4, maxBatchBytes: 1000 });
    try {
      const client = await frameRecorder(server);
      const before = client.frames.length;
      const manager = server.app.get(StreamingManager);
      let seed = 11;
      const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
      const sizes = Array.from({ length: 40 }, () => Math.floor(random() * 300));
      sizes[20] = 2000;
      // Published in one turn: without caps they would all share one frame.
      await Promise.all(sizes.map((size, i) => manager.publish(CHANNEL, { i, pad: 'p'.repeat(size) })));
      await until(() => client.pubs().length === sizes.length);
      const frames = client.frames.slice(before);
      for (const frame of frames) {
        expect(frame.messages.length).toBeLessThanOrEqual(4);
        if (frame.messages.length > 1) expect(frame.bytes).toBeLessThanOrEqual(1000);
      }
      expect(frames.find((f) => f.bytes > 1000)?.messages).toHaveLength(1);
      expect(frames.some((f) => f.messages.length > 1)).toBe(true);
      expect(client.pubs().map((d) => d.i)).toEqual([...sizes.keys()]);
      client.ws.terminate();
    } finally {
      await server.close();
    }
  });
});

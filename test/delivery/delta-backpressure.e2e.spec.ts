import { applyDelta } from 'fossil-delta';
import { StreamingManager } from '../../lib/index.js';
import { startApp, type TestApp } from '../support/app.js';
import { RawClient } from '../support/raw-client.js';

const CHANNEL = 'state:board';
const FILLER = 'x'.repeat(64 * 1024);
// Loopback kernel buffers take several MB before the server's own queue grows.
const MAX_ROUNDS = 1500;

/** Rebuilds what the SDK would, as pushes arrive: each publication's data from its full text or a delta on the previous. */
class Decoder {
  readonly data: Array<{ kind: string; i: number }> = [];
  private base?: Uint8Array;
  private seen = 0;

  take(messages: any[]): void {
    for (const m of messages.slice(this.seen)) {
      this.seen++;
      const pub = m.push?.pub;
      if (!pub) continue;
      const bytes = Buffer.from(pub.data as string);
      this.base = pub.delta ? applyDelta(this.base!, bytes) : bytes;
      this.data.push(JSON.parse(Buffer.from(this.base).toString()));
    }
  }
}

/** A slow delta reader under backpressure: ephemeral publications are part of its chain, so none is dropped for it. */
describe('delta subscriptions under backpressure', () => {
  let server: TestApp;
  const clients: RawClient[] = [];

  beforeAll(async () => {
    server = await startApp({
      auth: { anonymous: true },
      namespaces: { state: { allowedDeltaTypes: ['fossil'], allowSubscribeForAnonymous: true } },
      websocket: { maxQueueSize: 64 * 1024 * 1024, closeTimeout: 0.2 },
      delivery: { lowPriorityQueueSize: 512 * 1024 },
      limits: { maxQueuedBytes: 0 },
    });
  });
  afterAll(async () => {
    for (const c of clients) c.ws.terminate();
    await server.close();
  });

  it('drops ephemeral publications for a slow plain reader but never for a slow delta reader', async () => {
    const manager = server.app.get(StreamingManager);
    const delta = await RawClient.subscriber(server.wsUrl, { channel: CHANNEL, delta: 'fossil' });
    const plain = await RawClient.subscriber(server.wsUrl, { channel: CHANNEL });
    clients.push(delta, plain);
    delta.ws.pause();
    plain.ws.pause();

    let round = 0;
    while (manager.stats().droppedMessages === 0) {
      if (round === MAX_ROUNDS) throw new Error(`no ephemeral message dropped after ${round} rounds`);
      await manager.publish(CHANNEL, { kind: 'normal', i: round, filler: FILLER });
      await manager.publish(CHANNEL, { kind: 'ephemeral', i: round }, { ephemeral: true });
      round++;
      await new Promise((resolve) => setImmediate(resolve));
    }
    await manager.publish(CHANNEL, { kind: 'last', i: round });
    delta.ws.resume();
    const decoder = new Decoder();
    await delta.waitFor(() => {
      decoder.take(delta.messages);
      return decoder.data.at(-1)?.kind === 'last';
    }, 15_000);
    const expected = [...Array(round).keys()].flatMap((i) => [
      { kind: 'normal', i, filler: FILLER },
      { kind: 'ephemeral', i },
    ]);
    expect(decoder.data).toEqual([...expected, { kind: 'last', i: round }]);
  });
});

import { PubSubBatch } from '../../lib/backends/redis/pubsub-batch.js';

/** A batch whose flushes run when the test says, and whose sends it records and settles. */
function harness() {
  const flushes: Array<() => void> = [];
  const sent: Array<{ on: string[]; off: string[]; settle: (err?: Error) => void }> = [];
  const batch = new PubSubBatch(
    (on, off) => new Promise<void>((resolve, reject) => sent.push({ on, off, settle: (err) => (err ? reject(err) : resolve()) })),
    (flush) => flushes.push(flush),
  );
  const flush = () => flushes.splice(0).forEach((f) => f());
  return { batch, sent, flush, flushes };
}

describe('PubSubBatch', () => {
  it('sends the requests of one turn as one batch, each promise settling with it', async () => {
    const { batch, sent, flush, flushes } = harness();
    let settled = 0;
    const requests = [batch.subscribe('a'), batch.subscribe('b'), batch.unsubscribe('c')].map((p) => p.then(() => settled++));
    expect(flushes).toHaveLength(1);
    expect(sent).toHaveLength(0);
    flush();
    expect(sent).toEqual([{ on: ['a', 'b'], off: ['c'], settle: expect.any(Function) }]);
    await Promise.resolve();
    expect(settled).toBe(0);
    sent[0]!.settle();
    await Promise.all(requests);
    expect(settled).toBe(3);
  });

  it('keeps the last request for a channel asked both ways in one turn', () => {
    const { batch, sent, flush } = harness();
    void batch.subscribe('a');
    void batch.unsubscribe('a');
    void batch.unsubscribe('b');
    void batch.subscribe('b');
    flush();
    expect(sent.map(({ on, off }) => ({ on, off }))).toEqual([{ on: ['b'], off: ['a'] }]);
  });

  it('starts a new batch for requests made after a flush', () => {
    const { batch, sent, flush, flushes } = harness();
    void batch.subscribe('a');
    flush();
    void batch.subscribe('b');
    expect(flushes).toHaveLength(1);
    flush();
    expect(sent.map(({ on }) => on)).toEqual([['a'], ['b']]);
  });

  it('rejects every request of a batch that failed', async () => {
    const { batch, sent, flush } = harness();
    const a = batch.subscribe('a');
    const b = batch.unsubscribe('b');
    flush();
    sent[0]!.settle(new Error('connection lost'));
    await expect(a).rejects.toThrow('connection lost');
    await expect(b).rejects.toThrow('connection lost');
  });
});

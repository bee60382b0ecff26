import type { Connection } from '../../lib/delivery/connection.interface.js';
import { FlushScheduler } from '../../lib/delivery/flush-scheduler.js';
import { OutboundQueue } from '../../lib/delivery/outbound-queue.js';
import { QueueBudget } from '../../lib/delivery/queue-budget.js';
import { JsonCodec } from '../../lib/protocol/json-codec.js';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** A connection whose socket buffer the test sets, recording what is written. */
function connection(): Connection & { frames: string[]; buffered: number } {
  const conn = {
    transport: 'websocket' as const,
    unidirectional: false,
    ip: '127.0.0.1',
    headers: {},
    frames: [] as string[],
    buffered: 0,
    send(frame: Buffer) {
      conn.frames.push(frame.toString());
    },
    close: () => undefined,
    bufferedAmount: () => conn.buffered,
  };
  return conn;
}

/** The queue's limits: a reader too slow for `maxQueueSize`, the node budget, and closing. */
describe('OutboundQueue limits and close', () => {
  const codec = new JsonCodec();
  const scheduler = new FlushScheduler();
  const limits = (maxQueueSize: number) => ({ maxQueueSize, lowPriorityQueueSize: maxQueueSize, maxBatchBytes: 0, maxBatchMessages: 0 });

  it('calls onSlow when the socket holds more than maxQueueSize after a write', async () => {
    const conn = connection();
    let slow = 0;
    const queue = new OutboundQueue({ connection: conn, codec, cutSlow: () => slow++ }, { scheduler, limits: limits(100), budget: new QueueBudget(0) });
    queue.push(Buffer.from('{"a":1}'));
    await nextTurn();
    expect(slow).toBe(0);
    conn.buffered = 101;
    queue.push(Buffer.from('{"a":2}'));
    await nextTurn();
    expect(slow).toBe(1);
  });

  it('reports what the socket holds to the node budget, and leaves it on close', async () => {
    const conn = connection();
    const budget = new QueueBudget(1 << 20);
    const queue = new OutboundQueue({ connection: conn, codec, cutSlow: () => undefined }, { scheduler, limits: limits(1 << 20), budget });
    conn.buffered = 500;
    queue.push(Buffer.from('{}'));
    await nextTurn();
    expect(budget.queuedBytes()).toBe(500);
    queue.close();
    expect(budget.queuedBytes()).toBe(0);
  });

  it('close writes what is pending, then drops whatever is pushed later', async () => {
    const conn = connection();
    const queue = new OutboundQueue({ connection: conn, codec, cutSlow: () => undefined }, { scheduler, limits: limits(1 << 20), budget: new QueueBudget(0) });
    queue.push(Buffer.from('{"last":true}'));
    queue.close();
    queue.push(Buffer.from('{"after":true}'));
    await nextTurn();
    expect(conn.frames).toEqual(['{"last":true}']);
  });
});

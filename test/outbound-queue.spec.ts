import type { Connection } from '../lib/delivery/connection.interface.js';
import { FlushScheduler } from '../lib/delivery/flush-scheduler.js';
import { OutboundQueue } from '../lib/delivery/outbound-queue.js';
import { QueueBudget } from '../lib/delivery/queue-budget.js';
import { JsonCodec } from '../lib/protocol/json-codec.js';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** A connection that records its frames as text, and may act when one is written. */
function connection(onSend: (frame: string) => void = () => undefined): Connection & { frames: string[] } {
  const frames: string[] = [];
  return {
    transport: 'websocket',
    unidirectional: false,
    ip: '127.0.0.1',
    headers: {},
    frames,
    send(frame) {
      frames.push(frame.toString());
      onSend(frame.toString());
    },
    close: () => undefined,
    bufferedAmount: () => 0,
  };
}

/** The write path without sockets: one frame per connection and turn, every message written once. */
describe('OutboundQueue and FlushScheduler', () => {
  const codec = new JsonCodec();
  const scheduler = new FlushScheduler();
  const limits = { maxQueueSize: 1 << 20, lowPriorityQueueSize: 1 << 18, maxBatchBytes: 0, maxBatchMessages: 0 };
  const queueOn = (conn: Connection) => new OutboundQueue({ connection: conn, codec, cutSlow: () => undefined }, { scheduler, limits, budget: new QueueBudget(0) });

  it('writes the messages of one turn as one newline-joined frame per connection', async () => {
    const [a, b] = [connection(), connection()];
    const [qa, qb] = [queueOn(a), queueOn(b)];
    qa.push(Buffer.from('{"x":1}'));
    qb.push(Buffer.from('{"x":1}'));
    qa.push(Buffer.from('{"x":2}'));
    expect(a.frames).toEqual([]);
    await nextTurn();
    expect(a.frames).toEqual(['{"x":1}\n{"x":2}']);
    expect(b.frames).toEqual(['{"x":1}']);
  });

  it('writes a message queued during a flush, to a connection already flushed, in the next turn', async () => {
    const a = connection();
    const qa = queueOn(a);
    const qb = queueOn(connection(() => qa.push(Buffer.from('{"late":true}'))));
    qa.push(Buffer.from('{"first":true}'));
    qb.push(Buffer.from('{}'));
    await nextTurn();
    expect(a.frames).toEqual(['{"first":true}']);
    await nextTurn();
    expect(a.frames).toEqual(['{"first":true}', '{"late":true}']);
  });
});

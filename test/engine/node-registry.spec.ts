import type { NodeAnnouncement, NodeInfo } from '../../lib/broker/broker.interface.js';
import { NodeRegistry } from '../../lib/engine/node-registry.js';
import { CapturingLogger } from '../support/capturing-logger.js';

const info = (uid: string, name = uid, numClients = 0): NodeInfo => ({ uid, name, numClients, numUsers: 0, numChannels: 0, numSubscriptions: 0, uptime: 1 });

/** A registry on a clock the test moves, whose announcements are recorded (the broker's part is tested end to end). */
function registry(publish: (a: NodeAnnouncement) => Promise<void> = async () => {}) {
  const clock = { now: 1_000_000 };
  const sent: NodeAnnouncement[] = [];
  const logger = new CapturingLogger();
  let clients = 0;
  const nodes = new NodeRegistry(
    'me',
    () => info('me', 'me', clients),
    async (a) => {
      sent.push(a);
      await publish(a);
    },
    logger,
    () => clock.now,
    3000,
  );
  return { nodes, clock, sent, logger, setClients: (n: number) => (clients = n) };
}

describe('NodeRegistry', () => {
  it('lists this node first as it is now, then the others by name', () => {
    const { nodes, setClients } = registry();
    nodes.heard({ type: 'node', info: info('u2', 'beta', 4) });
    nodes.heard({ type: 'node', info: info('u1', 'alpha', 2) });
    setClients(7);
    expect(nodes.list().map((n) => [n.name, n.numClients])).toEqual([
      ['me', 7],
      ['alpha', 2],
      ['beta', 4],
    ]);
  });

  it('keeps the latest announcement of a node and ignores its own', () => {
    const { nodes } = registry();
    nodes.heard({ type: 'node', info: info('u1', 'alpha', 1) });
    nodes.heard({ type: 'node', info: info('u1', 'alpha', 5) });
    nodes.heard({ type: 'node', info: info('me', 'stale self', 99) });
    expect(nodes.list().map((n) => [n.name, n.numClients])).toEqual([
      ['me', 0],
      ['alpha', 5],
    ]);
  });

  it('forgets a node silent for two intervals and a second, at once one that leaves', () => {
    const { nodes, clock } = registry();
    nodes.heard({ type: 'node', info: info('quiet') });
    nodes.heard({ type: 'node', info: info('leaver') });
    nodes.heard({ type: 'node', info: info('leaver'), leaving: true });
    expect(nodes.list().map((n) => n.uid)).toEqual(['me', 'quiet']);
    clock.now += 7000;
    expect(nodes.list().map((n) => n.uid)).toEqual(['me', 'quiet']);
    clock.now += 1;
    expect(nodes.list().map((n) => n.uid)).toEqual(['me']);
  });

  it('answers a node heard of for the first time with its own announcement, once', () => {
    const { nodes, sent } = registry();
    nodes.heard({ type: 'node', info: info('new') });
    nodes.heard({ type: 'node', info: info('new') });
    expect(sent).toEqual([{ type: 'node', info: info('me') }]);
  });

  it('announces at start and says it leaves at stop', async () => {
    const { nodes, sent } = registry();
    nodes.start();
    await nodes.stop();
    expect(sent).toEqual([
      { type: 'node', info: info('me') },
      { type: 'node', info: info('me'), leaving: true },
    ]);
  });

  it('survives a backend that cannot take the announcement', async () => {
    const { nodes, sent, logger } = registry(async () => {
      throw new Error('Redis away');
    });
    await nodes.stop();
    expect(sent).toHaveLength(1);
    expect(logger.lines).toEqual([{ level: 'debug', text: 'node info not announced: Error: Redis away' }]);
  });
});

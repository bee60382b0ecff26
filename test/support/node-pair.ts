import type { Centrifuge } from 'centrifuge';
import { startFixture, type FixtureProcess } from '../fixtures/fixture-process.js';
import { connectedClient, sdkClient } from './centrifuge-client.js';
import { connectionToken } from './tokens.js';

/** A Redis system for a pair of nodes: the nodes' environment, and how to take it down after them. */
export interface NodeSystem {
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** Two nodes of one system, set once the suite started; SDK clients that end with each test. */
export interface NodePair {
  a: FixtureProcess;
  b: FixtureProcess;
  /** The environment the nodes run with, for more nodes. */
  env: Record<string, string>;
  /** A connected SDK client of `node` as `user`, disconnected after the test. */
  client(node: FixtureProcess, user: string): Promise<Centrifuge>;
}

/**
 * For a describe block: before its tests, starts the Redis system and two node processes
 * (fixtures/redis-node.ts) on it; disconnects the tests' clients after each; closes the nodes, then
 * the system, after all.
 */
export function nodePair(start: () => Promise<NodeSystem>): NodePair {
  let system: NodeSystem | undefined;
  const clients: Centrifuge[] = [];
  const pair = {
    env: {},
    async client(node: FixtureProcess, user: string) {
      const c = sdkClient(node.url, { token: await connectionToken(user) });
      clients.push(c);
      return connectedClient(c);
    },
  } as NodePair;
  beforeAll(async () => {
    system = await start();
    pair.env = system.env;
    [pair.a, pair.b] = await Promise.all([startFixture('redis-node.ts', [], system.env), startFixture('redis-node.ts', [], system.env)]);
  }, 60_000);
  afterEach(() => {
    for (const c of clients.splice(0)) c.disconnect();
  });
  afterAll(async () => {
    await Promise.all([pair.a?.close(), pair.b?.close()]);
    await system?.stop();
  });
  return pair;
}

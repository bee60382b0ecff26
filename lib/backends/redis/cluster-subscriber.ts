import type { Cluster, Redis } from 'ioredis';

/** What a Cluster's pub/sub connection emits once it subscribed again on another node. */
export const RESUBSCRIBED = 'streaming:resubscribed';

/**
 * ioredis' Cluster keeps its (non-sharded) subscriptions on one connection to one node it picks,
 * its ClusterSubscriber. When that node dies, it picks another and subscribes there again, and
 * tells nobody: what was published in between never arrives, and the broker cannot send the node
 * to fill the gap from history. This follows the ClusterSubscriber's connections and emits
 * RESUBSCRIBED on the Cluster once a new one has subscribed: a PING queued behind its
 * subscriptions is answered after them. The ClusterSubscriber is an internal of ioredis (5 and
 * 6); without one there is nothing to follow, and a channel's next publication still shows the gap.
 */
export function reportResubscribes(cluster: Cluster): void {
  const inner = (cluster as unknown as { subscriber?: { getInstance?: () => Redis | null } }).subscriber;
  const current = inner?.getInstance?.bind(inner);
  if (!current) return;
  const followed = new WeakSet<Redis>();
  const follow = (connection: Redis | null) => {
    if (!connection || followed.has(connection)) return;
    followed.add(connection);
    connection.once('end', () => {
      // ioredis' own 'end' listener, added before this one, has picked the next connection and
      // queued the subscriptions on it; it connects on its own.
      const next = current();
      if (!next || followed.has(next)) return;
      // Refused when that node is down too: the connection ends, and its successor is followed.
      next.ping().then(() => cluster.emit(RESUBSCRIBED), () => {});
      follow(next);
    });
  };
  follow(current());
  // A Cluster that lost every node and came back starts a ClusterSubscriber connection afresh.
  cluster.on('ready', () => follow(current()));
}

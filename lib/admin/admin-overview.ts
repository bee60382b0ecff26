import type { NodeInfo } from '../broker/broker.interface.js';
import type { Node } from '../engine/node.js';
import type { NodeStats } from '../manager/streaming-manager.js';
import type { ChannelActivity } from './channel-activity.observer.js';

/** Connections listed at most: the page is for looking, not for dumping a node's hundred thousand clients. */
const MAX_CONNECTIONS = 200;
/** Channels listed at most, the busiest first. */
const MAX_CHANNELS = 500;

export interface AdminOverview {
  node: NodeStats;
  /** Every node of the system, this one first. */
  nodes: NodeInfo[];
  channels: Array<{ channel: string; subscribers: number; publications: number }>;
  connections: Array<{ client: string; user: string; transport: string; ip: string; channels: string[] }>;
  /** True when more connections or channels exist than listed. */
  truncated: boolean;
}

/** What the dashboard polls: this node's numbers, its channels and a sample of its connections. */
export function adminOverview(node: Node, stats: NodeStats, activity: ChannelActivity): AdminOverview {
  const channels = [...node.channels()]
    .map(([channel, subscribers]) => ({ channel, subscribers, publications: activity.publications(channel) }))
    .sort((a, b) => b.subscribers - a.subscribers || a.channel.localeCompare(b.channel));
  const connections: AdminOverview['connections'] = [];
  for (const session of node.hub.allSessions()) {
    if (connections.length === MAX_CONNECTIONS) break;
    const { id, user, transport, ip, channels: subscribed } = session.info;
    connections.push({ client: id, user, transport, ip, channels: subscribed });
  }
  return {
    node: stats,
    nodes: node.nodes.list(),
    channels: channels.slice(0, MAX_CHANNELS),
    connections,
    truncated: channels.length > MAX_CHANNELS || stats.numClients > MAX_CONNECTIONS,
  };
}

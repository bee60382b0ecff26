import { Injectable } from '@nestjs/common';
import type { NodeInfo, ServerRefreshRequest, ServerSubscribeRequest } from '../broker/broker.interface.js';
import { Node } from '../engine/node.js';
import type { HistoryPage } from '../history/history-store.interface.js';
import { DisconnectCode, disconnectReasons, ErrorCode } from '../protocol/codes.js';
import type { Publication, StreamPosition, WireClientInfo } from '../protocol/frames.js';
import { StreamingError } from '../protocol/protocol-error.js';
import { compileChannelGlob } from './channel-glob.js';

export interface PublishOptions {
  tags?: Record<string, string>;
  /** Do not keep this publication in history. */
  skipHistory?: boolean;
  /**
   * Publish at most once per key and channel within `idempotencyWindow`: a retry with the same key
   * returns the first publication's position and publishes nothing. Kept in the backend's idempotency store (across nodes on Redis).
   */
  idempotencyKey?: string;
  /** Typing, cursors: not kept in history, and dropped first for a slow reader (low priority). */
  ephemeral?: boolean;
}

export interface SubscribeOptions extends Omit<ServerSubscribeRequest, 'channel'> {
  /** Only this connection of the user. */
  client?: string;
}

export interface RefreshOptions extends ServerRefreshRequest {
  /** Only this connection of the user. */
  client?: string;
}

export interface HistoryReadOptions {
  /** Publications after this position (same epoch), oldest first unless `reverse`. */
  since?: StreamPosition;
  /** Default 0 (only the position); negative for all kept publications. */
  limit?: number;
  reverse?: boolean;
}

export interface DisconnectOptions {
  /** Protocol disconnect code; default 3503 force disconnect (no reconnect). */
  code?: number;
  reason?: string;
  /** Only this connection of the user. */
  client?: string;
  /** Connections (client ids) of the user to leave connected. */
  whitelist?: string[];
}

export interface NodeStats {
  node: string;
  name: string;
  numClients: number;
  numUsers: number;
  numChannels: number;
  numSubscriptions: number;
  /** Bytes written to this node's connections and not yet taken by the OS (`limits.maxQueuedBytes` bounds it). */
  queuedBytes: number;
  /** Low-priority (ephemeral) messages dropped for slow readers since the node started. */
  droppedMessages: number;
  uptimeSeconds: number;
}

/**
 * The server side of streaming for application code. Calls here act as the server: client
 * permissions (namespace `allow*` options, handlers, guards) do not apply.
 */
@Injectable()
export class StreamingManager {
  constructor(private readonly node: Node) {}

  /** Publishes `data` to a channel; returns the stream position when it went to history. */
  async publish(channel: string, data: unknown, options: PublishOptions = {}): Promise<StreamPosition | undefined> {
    const publication: Publication = { data };
    if (options.tags) publication.tags = options.tags;
    return this.node.publish(channel, publication, {
      skipHistory: options.skipHistory,
      idempotencyKey: options.idempotencyKey,
      ephemeral: options.ephemeral,
    });
  }

  /** Publishes the same data to several channels; positions in the same order. */
  async broadcast(channels: string[], data: unknown, options: PublishOptions = {}): Promise<Array<StreamPosition | undefined>> {
    return Promise.all(channels.map((channel) => this.publish(channel, data, options)));
  }

  async history(channel: string, options: HistoryReadOptions = {}): Promise<HistoryPage> {
    return this.node.history(channel, { since: options.since, limit: options.limit ?? 0, reverse: options.reverse });
  }

  /** Drops a channel's history; its next publication starts a new epoch. */
  async removeHistory(channel: string): Promise<void> {
    await this.node.removeHistory(channel);
  }

  /** Clients subscribed to a channel, by client id. */
  async presence(channel: string): Promise<Record<string, WireClientInfo>> {
    return this.node.presence(channel);
  }

  async presenceStats(channel: string): Promise<{ numClients: number; numUsers: number }> {
    return this.node.presenceStats(channel);
  }

  /** Disconnects every connection of a user (or one, with `client`), on every node. */
  async disconnect(user: string, options: DisconnectOptions = {}): Promise<void> {
    const code = options.code ?? DisconnectCode.ForceNoReconnect;
    // A WebSocket close code outside these is refused by the socket itself; 3xxx are the protocol's, 4xxx the app's.
    if (!Number.isInteger(code) || code < 3000 || code > 4999) {
      throw StreamingError.of(ErrorCode.BadRequest, `disconnect code must be a whole number from 3000 to 4999, got ${code}`);
    }
    const reason = options.reason ?? disconnectReasons[code as DisconnectCode] ?? 'disconnect';
    await this.node.publishControl({ type: 'disconnect', user, code, reason, client: options.client, whitelist: options.whitelist });
  }

  /**
   * Subscribes a user's connections (or one, with `client`), on every node, as server-side
   * subscriptions: the SDK announces them with its `subscribed` event and delivers their
   * publications through the client's `publication` event. No permission check applies.
   */
  async subscribe(user: string, channel: string, options: SubscribeOptions = {}): Promise<void> {
    this.node.resolver.resolve(channel);
    const { client, ...request } = options;
    await this.node.publishControl({ type: 'subscribe', user, client, channel, ...request });
  }

  /** Changes the expiry or info of a user's connections (or one, with `client`), on every node; `expired` closes them with 3005. */
  async refresh(user: string, options: RefreshOptions = {}): Promise<void> {
    const { client, ...request } = options;
    await this.node.publishControl({ type: 'refresh', user, client, ...request });
  }

  /**
   * Channels with subscribers on this node and their subscriber counts, optionally only those
   * matching `pattern` (`*`, `?`, `[a-z]`, `{a,b}` as Centrifugo's `channels`).
   */
  channels(pattern?: string): Record<string, { numClients: number }> {
    let matches: ((channel: string) => boolean) | undefined;
    try {
      matches = pattern ? compileChannelGlob(pattern) : undefined;
    } catch (err) {
      throw StreamingError.of(ErrorCode.BadRequest, `pattern ${JSON.stringify(pattern)}: ${(err as Error).message}`);
    }
    const result: Record<string, { numClients: number }> = {};
    for (const [channel, numClients] of this.node.channels(matches)) result[channel] = { numClients };
    return result;
  }

  /** Unsubscribes a user's connections from a channel; the client gets an unsubscribe push (2000). */
  async unsubscribe(user: string, channel: string, client?: string): Promise<void> {
    await this.node.publishControl({ type: 'unsubscribe', user, channel, client });
  }

  /** Counts for this node. */
  /**
   * Every node of the system (this one first, as it is now; on the Redis backend the others as they
   * announced themselves in the last few seconds).
   */
  nodes(): NodeInfo[] {
    return this.node.nodes.list();
  }

  stats(): NodeStats {
    const hub = this.node.hub;
    return {
      node: this.node.id,
      name: this.node.options.nodeName,
      numClients: hub.numClients,
      numUsers: hub.numUsers,
      numChannels: hub.numChannels,
      numSubscriptions: hub.numSubscriptions,
      queuedBytes: this.node.budget.queuedBytes(),
      droppedMessages: this.node.budget.droppedMessages(),
      uptimeSeconds: Math.floor((Date.now() - this.node.startedAt) / 1000),
    };
  }
}

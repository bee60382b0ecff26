import type { Broker, BrokerEvents, BrokerPublishOptions, ControlMessage, NodeAnnouncement } from '../../broker/broker.interface.js';
import type { Publication, StreamPosition, WireClientInfo } from '../../protocol/frames.js';
import { RESUBSCRIBED } from './cluster-subscriber.js';
import { PubSubBatch } from './pubsub-batch.js';
import type { RedisHistoryStore } from './redis-history-store.js';
import type { RedisClient, RedisShards } from './redis-shards.js';

/** What travels on a channel's pub/sub: a publication (with its position when it went to history), a join or a leave. */
type ChannelMessage = { k: 'p'; p: Publication; x?: 1; o?: number; e?: string } | { k: 'j' | 'l'; i: WireClientInfo };

/** How the broker reaches Redis. */
export interface RedisBrokerConnections {
  /** Command connections: publishes go to the shard of the channel. */
  shards: RedisShards;
  /** One pub/sub connection per shard, in the same order. */
  subscribers: RedisClient[];
  /** Sharded pub/sub (`SSUBSCRIBE`/`SPUBLISH`, Redis 7): on a Cluster a message goes to its slot's shard only. */
  sharded: boolean;
  /** Closes the connections the backend made (the node closes the broker last). */
  close: () => Promise<void>;
}

/**
 * Fan-out through Redis pub/sub. A node subscribes only to the channels it has local subscribers
 * for (`<prefix>pub:{<channel>}`, on the channel's shard), plus the control channel; the requests of
 * one event-loop turn go out as one command. Every node, the publisher's included, delivers what
 * comes back from Redis, so all deliver in Redis's order, and nobody twice. A publication kept in
 * history is appended and published by one script, its offset inside the message; the pub/sub
 * name carries the channel's hash tag, so on a Cluster the script's keys and its (S)PUBLISH share
 * a slot. When a pub/sub connection was lost, messages of that time are gone for this node:
 * `onGap` lets the node send its clients to recover them from history.
 */
export class RedisBroker implements Broker {
  private events?: BrokerEvents;
  private readonly control: string;
  private readonly channelPrefix: string;
  private readonly batches: PubSubBatch[];
  private readonly publishCommand: 'publish' | 'spublish';

  constructor(
    private readonly connections: RedisBrokerConnections,
    private readonly history: RedisHistoryStore,
    prefix: string,
  ) {
    this.control = `${prefix}control`;
    this.channelPrefix = `${prefix}pub:`;
    this.publishCommand = connections.sharded ? 'spublish' : 'publish';
    this.batches = connections.subscribers.map(
      (subscriber) =>
        new PubSubBatch(async (on, off) => {
          await Promise.all(
            connections.sharded
              ? // A Cluster's sharded subscribers take the channels of one slot per command.
                [...on.map((name) => subscriber.ssubscribe(name)), ...off.map((name) => subscriber.sunsubscribe(name))]
              : [on.length > 0 && subscriber.subscribe(...on), off.length > 0 && subscriber.unsubscribe(...off)],
          );
        }),
    );
  }

  async start(events: BrokerEvents): Promise<void> {
    this.events = events;
    const kind = this.connections.sharded ? 'smessage' : 'message';
    for (const subscriber of this.connections.subscribers) {
      subscriber.on(kind, (name: string, message: string) => this.dispatch(name, message));
      let wasReady = subscriber.status === 'ready';
      subscriber.on('ready', () => {
        // ioredis subscribes again by itself after a reconnect; what was published meanwhile is lost here.
        if (wasReady) this.events?.onGap?.();
        wasReady = true;
      });
      // A Cluster's subscriptions moved to another node (cluster-subscriber.ts): the same gap.
      subscriber.on(RESUBSCRIBED, () => this.events?.onGap?.());
    }
    await this.batchOf(this.control).subscribe(this.control);
  }

  async subscribe(channel: string): Promise<void> {
    const name = this.pubsubName(channel);
    await this.batchOf(name).subscribe(name);
  }

  async unsubscribe(channel: string): Promise<void> {
    const name = this.pubsubName(channel);
    await this.batchOf(name).unsubscribe(name);
  }

  async publish(channel: string, publication: Publication, options: BrokerPublishOptions): Promise<StreamPosition | undefined> {
    const name = this.pubsubName(channel);
    if (options.history) {
      const head = `{"k":"p","p":${JSON.stringify(publication)},"o":`;
      return this.history.appendAndPublish(channel, publication, options.history, { name, head, command: this.publishCommand });
    }
    await this.send(name, JSON.stringify({ k: 'p', p: publication, ...(options.ephemeral ? { x: 1 } : {}) }));
    return undefined;
  }

  async publishJoin(channel: string, info: WireClientInfo): Promise<void> {
    await this.send(this.pubsubName(channel), JSON.stringify({ k: 'j', i: info }));
  }

  async publishLeave(channel: string, info: WireClientInfo): Promise<void> {
    await this.send(this.pubsubName(channel), JSON.stringify({ k: 'l', i: info }));
  }

  async publishControl(message: ControlMessage | NodeAnnouncement): Promise<void> {
    await this.send(this.control, JSON.stringify(message));
  }

  async close(): Promise<void> {
    this.events = undefined;
    await this.connections.close();
  }

  private pubsubName(channel: string): string {
    return `${this.channelPrefix}{${channel}}`;
  }

  private batchOf(name: string): PubSubBatch {
    return this.batches[this.connections.shards.index(name)]!;
  }

  private async send(name: string, message: string): Promise<void> {
    await this.connections.shards.for(name)[this.publishCommand](name, message);
  }

  private dispatch(name: string, raw: string): void {
    const events = this.events;
    if (!events) return;
    if (name === this.control) {
      const message = JSON.parse(raw) as ControlMessage | NodeAnnouncement;
      if (message.type === 'node') events.onNode(message);
      else events.onControl(message);
      return;
    }
    if (!name.startsWith(this.channelPrefix)) return;
    const channel = name.slice(this.channelPrefix.length + 1, -1);
    const message = JSON.parse(raw) as ChannelMessage;
    switch (message.k) {
      case 'p': {
        if (message.o === undefined) {
          events.onPublication(channel, message.p, undefined, message.x === 1);
          return;
        }
        events.onPublication(channel, { ...message.p, offset: message.o }, { offset: message.o, epoch: message.e! });
        return;
      }
      case 'j':
        return events.onJoin(channel, message.i);
      case 'l':
        return events.onLeave(channel, message.i);
    }
  }
}

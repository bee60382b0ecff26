import type { Broker, BrokerEvents, BrokerPublishOptions, ControlMessage } from '../../broker/broker.interface.js';
import type { Publication, StreamPosition, WireClientInfo } from '../../protocol/frames.js';
import type { RedisHistoryStore } from './redis-history-store.js';
import type { RedisClient } from './redis-script.js';

/** What travels on a channel's pub/sub: a publication (with its position when it went to history), a join or a leave. */
type ChannelMessage = { k: 'p'; p: Publication; x?: 1; o?: number; e?: string } | { k: 'j' | 'l'; i: WireClientInfo };

/**
 * Fan-out through Redis pub/sub. A node subscribes only to the channels it has local subscribers
 * for (`<prefix>pub:<channel>`), plus the control channel. Every node, the publisher's included,
 * delivers what comes back from Redis, so all deliver in Redis's order, and nobody twice. A
 * publication kept in history is appended and published by one script, its offset inside the
 * message. When the pub/sub connection was lost, messages of that time are gone for this node:
 * `onGap` lets the node send its clients to recover them from history.
 */
export class RedisBroker implements Broker {
  private events?: BrokerEvents;
  private readonly control: string;
  private readonly channelPrefix: string;
  private wasReady = false;

  constructor(
    private readonly redis: RedisClient,
    private readonly subscriber: RedisClient,
    private readonly history: RedisHistoryStore,
    prefix: string,
    /** Closes the connections the backend made (the node closes the broker last). */
    private readonly closeConnections: () => Promise<void>,
  ) {
    this.control = `${prefix}control`;
    this.channelPrefix = `${prefix}pub:`;
  }

  async start(events: BrokerEvents): Promise<void> {
    this.events = events;
    this.subscriber.on('message', (name: string, message: string) => this.dispatch(name, message));
    this.subscriber.on('ready', () => {
      // ioredis subscribes again by itself after a reconnect; what was published meanwhile is lost here.
      if (this.wasReady) this.events?.onGap?.();
      this.wasReady = true;
    });
    if (this.subscriber.status === 'ready') this.wasReady = true;
    await this.subscriber.subscribe(this.control);
  }

  async subscribe(channel: string): Promise<void> {
    await this.subscriber.subscribe(this.channelPrefix + channel);
  }

  async unsubscribe(channel: string): Promise<void> {
    await this.subscriber.unsubscribe(this.channelPrefix + channel);
  }

  async publish(channel: string, publication: Publication, options: BrokerPublishOptions): Promise<StreamPosition | undefined> {
    const name = this.channelPrefix + channel;
    if (options.history) {
      const head = `{"k":"p","p":${JSON.stringify(publication)},"o":`;
      return this.history.appendAndPublish(channel, publication, options.history, name, head);
    }
    await this.redis.publish(name, JSON.stringify({ k: 'p', p: publication, ...(options.ephemeral ? { x: 1 } : {}) }));
    return undefined;
  }

  async publishJoin(channel: string, info: WireClientInfo): Promise<void> {
    await this.redis.publish(this.channelPrefix + channel, JSON.stringify({ k: 'j', i: info }));
  }

  async publishLeave(channel: string, info: WireClientInfo): Promise<void> {
    await this.redis.publish(this.channelPrefix + channel, JSON.stringify({ k: 'l', i: info }));
  }

  async publishControl(message: ControlMessage): Promise<void> {
    await this.redis.publish(this.control, JSON.stringify(message));
  }

  async close(): Promise<void> {
    this.events = undefined;
    await this.closeConnections();
  }

  private dispatch(name: string, raw: string): void {
    const events = this.events;
    if (!events) return;
    if (name === this.control) {
      events.onControl(JSON.parse(raw) as ControlMessage);
      return;
    }
    if (!name.startsWith(this.channelPrefix)) return;
    const channel = name.slice(this.channelPrefix.length);
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

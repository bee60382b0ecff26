import type { Broker, BrokerEvents, BrokerPublishOptions, ControlMessage, NodeAnnouncement } from '../../broker/broker.interface.js';
import type { Publication, StreamPosition, WireClientInfo } from '../../protocol/frames.js';
import type { MemoryHistoryStore } from './memory-history-store.js';

/** One process: every message goes straight back to this node's handlers. */
export class MemoryBroker implements Broker {
  private events?: BrokerEvents;

  constructor(private readonly history: MemoryHistoryStore) {}

  async start(events: BrokerEvents): Promise<void> {
    this.events = events;
  }

  async subscribe(): Promise<void> {}

  async unsubscribe(channel: string): Promise<void> {
    this.history.forgetUnpublished(channel);
  }

  async publish(channel: string, publication: Publication, options: BrokerPublishOptions): Promise<StreamPosition | undefined> {
    if (!options.history) {
      this.events?.onPublication(channel, publication, undefined, options.ephemeral);
      return undefined;
    }
    const page = this.history.appendSync(channel, publication, options.history);
    const position = { offset: page.offset, epoch: page.epoch };
    this.events?.onPublication(channel, page.publications[0]!, position);
    return position;
  }

  async publishJoin(channel: string, info: WireClientInfo): Promise<void> {
    this.events?.onJoin(channel, info);
  }

  async publishLeave(channel: string, info: WireClientInfo): Promise<void> {
    this.events?.onLeave(channel, info);
  }

  async publishControl(message: ControlMessage | NodeAnnouncement): Promise<void> {
    if (message.type === 'node') this.events?.onNode(message);
    else this.events?.onControl(message);
  }

  /** In process, so it answers as long as it runs: between start and close. */
  async ping(): Promise<void> {
    if (!this.events) throw new Error('the memory broker is not running');
  }

  async close(): Promise<void> {
    this.events = undefined;
  }
}

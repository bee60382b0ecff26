import { StreamingEvents, type StreamingEvent } from '../events/streaming-events.js';
import type { StreamingObserver } from '../events/streaming-observer.interface.js';

/**
 * Publications per channel since the channel got its first local subscriber, for the dashboard's
 * rates (the page divides the growth between two polls by the time between them). Only channels
 * with subscribers on this node are kept, so publishing to many empty channels grows nothing.
 */
export class ChannelActivity implements StreamingObserver {
  private readonly counts = new Map<string, number>();

  observe(event: StreamingEvent): void {
    switch (event.name) {
      case StreamingEvents.ChannelOccupied:
        this.counts.set(event.payload.channel, 0);
        return;
      case StreamingEvents.ChannelVacated:
        this.counts.delete(event.payload.channel);
        return;
      case StreamingEvents.Published: {
        const count = this.counts.get(event.payload.channel);
        if (count !== undefined) this.counts.set(event.payload.channel, count + 1);
        return;
      }
    }
  }

  publications(channel: string): number {
    return this.counts.get(channel) ?? 0;
  }
}

import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { StreamingEvents, type ChannelEvent, type DisconnectedEvent } from '@streaming/nest';

/** Reacts to streaming's app events: which rooms are in use, who left and why. */
@Injectable()
export class RoomActivity {
  private readonly logger = new Logger('Rooms');

  @OnEvent(StreamingEvents.ChannelOccupied)
  occupied({ channel }: ChannelEvent): void {
    this.logger.verbose(`${channel} has its first subscriber`);
  }

  @OnEvent(StreamingEvents.ChannelVacated)
  vacated({ channel }: ChannelEvent): void {
    this.logger.verbose(`${channel} is empty`);
  }

  @OnEvent(StreamingEvents.Disconnected)
  disconnected({ user, code, reason, duration }: DisconnectedEvent): void {
    this.logger.verbose(`${user || 'anonymous'} left after ${Math.round(duration)} s: ${code} ${reason}`);
  }
}

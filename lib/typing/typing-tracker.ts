import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Node } from '../engine/node.js';
import type { ResolvedStreamingOptions } from '../options/resolve-options.js';
import { STREAMING_OPTIONS } from '../streaming.constants.js';
import { TypingState, type TypingChange } from './typing-state.js';

/** The `type` tag of typing publications. */
export const TYPING_TYPE = 'typing';

/**
 * Who is typing in which channel. Each change is an ephemeral publication tagged `type: typing`
 * with data `{ user, typing }`: never in history, and the first thing dropped for a slow reader.
 * A user typing on is broadcast at most once per `typing.throttle` seconds, and stops by itself
 * `typing.timeout` seconds after the last `start`. The server may call it for any user; clients go
 * through the `typing` rpc, which checks that they may publish in the channel.
 */
@Injectable()
export class TypingTracker implements OnModuleDestroy {
  private readonly state: TypingState;

  constructor(
    private readonly node: Node,
    @Inject(STREAMING_OPTIONS) options: ResolvedStreamingOptions,
  ) {
    const { throttle, timeout } = options.typing;
    this.state = new TypingState(throttle * 1000, timeout * 1000, (change) => this.broadcast(change));
  }

  /** `user` is typing in `channel` (call it on every keystroke: the throttle keeps broadcasts rare). */
  start(channel: string, user: string): void {
    this.state.start(channel, user);
  }

  /** `user` stopped typing (sent the message, cleared the field). */
  stop(channel: string, user: string): void {
    this.state.stop(channel, user);
  }

  /** Users typing in `channel` now, as started on this node. */
  typing(channel: string): string[] {
    return this.state.typing(channel);
  }

  onModuleDestroy(): void {
    this.state.clear();
  }

  private broadcast({ channel, user, typing }: TypingChange): void {
    const publication = { data: { user, typing }, tags: { type: TYPING_TYPE } };
    this.node.publish(channel, publication, { ephemeral: true }).catch((err: unknown) => {
      this.node.logger.warn(`typing of ${user} in ${channel} was not broadcast: ${err instanceof Error ? err.message : String(err)}`);
    });
  }
}

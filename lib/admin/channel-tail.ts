import type { ServerResponse } from 'node:http';
import type { ClientInfo } from '../engine/client-info.js';
import type { EngineSession } from '../engine/engine-session.interface.js';
import { jsonCodec } from '../protocol/codecs.js';
import type { EncodedPush } from '../protocol/encoded-push.js';
import type { Publication } from '../protocol/frames.js';

/** Bytes an operator's page may fall behind by before its tail is ended rather than buffered further. */
const MAX_BUFFERED = 1024 * 1024;

let tails = 0;

/**
 * The dashboard's live tail of one channel: a subscriber of the node's hub (so that with a broker
 * between nodes this node receives the channel) that is no client, writing what the channel
 * carries as server-sent events. It is counted in the channel's local subscribers, not in the
 * node's clients, and takes part in no presence.
 */
export class ChannelTail implements EngineSession {
  readonly id = `admin-tail-${++tails}`;
  readonly user = '';
  readonly info: ClientInfo;
  private ended = false;

  constructor(
    readonly channel: string,
    private readonly res: ServerResponse,
    private readonly onEnd: (tail: ChannelTail) => void,
  ) {
    this.info = { id: this.id, user: '', transport: 'uni_sse', ip: '', headers: {}, channels: [channel] };
    res.once('close', () => this.end());
  }

  deliverPublication(_channel: string, publication: Publication): void {
    const { data, info, offset, tags } = publication;
    this.write('publication', { data, info, offset, tags });
  }

  deliverJoinLeave(_channel: string, encoded: EncodedPush): void {
    const bytes = encoded.for(jsonCodec);
    if (!bytes) return;
    const { push } = JSON.parse(bytes.toString()) as { push: { join?: { info: unknown }; leave?: { info: unknown } } };
    if (push.join) this.write('join', push.join.info);
    else if (push.leave) this.write('leave', push.leave.info);
  }

  /** The tail takes no control messages: it is nobody's connection. */
  control(): void {}

  disconnect(): void {
    this.end();
  }

  write(event: string, payload: unknown): void {
    if (this.ended) return;
    if (this.res.writableLength > MAX_BUFFERED) {
      this.end();
      return;
    }
    this.res.write(`event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`);
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (!this.res.writableEnded) this.res.end();
    this.onEnd(this);
  }
}

import { randomBytes } from 'node:crypto';
import type { HistoryOptions, HistoryPage, HistoryQuery, HistoryStore } from '../../history/history-store.interface.js';
import { ErrorCode } from '../../protocol/codes.js';
import type { Publication, StreamPosition } from '../../protocol/frames.js';
import { StreamingError } from '../../protocol/protocol-error.js';

interface Entry {
  publication: Publication;
  expireAt: number;
}

interface Stream {
  epoch: string;
  top: number;
  entries: Entry[];
  metaExpireAt: number;
}

const SWEEP_INTERVAL_MS = 5000;
/** Streams looked at per sweep: a node with a million channels must not stall its event loop for one pass. */
const SWEEP_BATCH = 10_000;

function newEpoch(): string {
  return randomBytes(4).toString('hex');
}

/** Streams in process memory; a sweeper drops expired publications and forgotten streams. */
export class MemoryHistoryStore implements HistoryStore {
  private readonly streams = new Map<string, Stream>();
  private readonly sweeper: NodeJS.Timeout;
  /** Where the last sweep stopped; a Map's iterator survives deletes and sees what is added. */
  private cursor?: IterableIterator<[string, Stream]>;

  constructor(private readonly now: () => number = Date.now) {
    this.sweeper = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  async append(channel: string, publication: Publication, options: HistoryOptions): Promise<HistoryPage> {
    return this.appendSync(channel, publication, options);
  }

  /** Synchronous so the memory broker can append and deliver without interleaving. */
  appendSync(channel: string, publication: Publication, options: HistoryOptions): HistoryPage {
    const now = this.now();
    const stream = this.stream(channel, now, options.metaTtl);
    stream.top += 1;
    const stored: Publication = { ...publication, offset: stream.top };
    stream.entries.push({ publication: stored, expireAt: now + options.ttl * 1000 });
    if (stream.entries.length > options.size) stream.entries.splice(0, stream.entries.length - options.size);
    stream.metaExpireAt = now + Math.max(options.metaTtl, options.ttl) * 1000;
    return { publications: [stored], offset: stream.top, epoch: stream.epoch };
  }

  async read(channel: string, query: HistoryQuery): Promise<HistoryPage> {
    const now = this.now();
    const stream = this.stream(channel, now, query.metaTtl);
    const { since, reverse } = query;
    if (since && since.epoch !== '' && since.epoch !== stream.epoch) {
      throw new StreamingError(ErrorCode.UnrecoverablePosition);
    }
    if (reverse && since && since.offset === 0) {
      throw StreamingError.of(ErrorCode.BadRequest, 'reverse history needs since.offset > 0');
    }
    const position = { offset: stream.top, epoch: stream.epoch };
    if (query.limit === 0) return { ...position, publications: [] };
    const live = stream.entries.filter((e) => e.expireAt > now).map((e) => e.publication);
    let selected: Publication[];
    if (reverse) {
      selected = (since ? live.filter((p) => p.offset! < since.offset) : live).reverse();
    } else {
      selected = since ? live.filter((p) => p.offset! > since.offset) : live;
    }
    if (query.limit > 0) selected = selected.slice(0, query.limit);
    return { ...position, publications: selected };
  }

  async position(channel: string, metaTtl: number): Promise<StreamPosition> {
    const stream = this.stream(channel, this.now(), metaTtl);
    return { offset: stream.top, epoch: stream.epoch };
  }

  async remove(channel: string): Promise<void> {
    this.streams.delete(channel);
  }

  /**
   * The node's last subscriber left: a stream nothing was ever published to goes, so a channel only
   * subscribed to costs nothing afterwards. A later subscriber gets a new epoch, which loses nothing.
   */
  forgetUnpublished(channel: string): void {
    if (this.streams.get(channel)?.top === 0) this.streams.delete(channel);
  }

  get size(): number {
    return this.streams.size;
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.streams.clear();
  }

  /** The live stream of a channel; a forgotten one comes back with a new epoch. */
  private stream(channel: string, now: number, metaTtl: number): Stream {
    let stream = this.streams.get(channel);
    if (!stream || stream.metaExpireAt <= now) {
      stream = { epoch: newEpoch(), top: 0, entries: [], metaExpireAt: now + metaTtl * 1000 };
      this.streams.set(channel, stream);
    }
    return stream;
  }

  /** Drops expired publications and streams past their meta TTL, SWEEP_BATCH streams at a time. */
  sweep(): void {
    const now = this.now();
    this.cursor ??= this.streams.entries();
    for (let i = 0; i < SWEEP_BATCH; i++) {
      const next = this.cursor.next();
      if (next.done) {
        this.cursor = undefined;
        return;
      }
      const [channel, stream] = next.value;
      if (stream.metaExpireAt <= now) {
        this.streams.delete(channel);
        continue;
      }
      const firstLive = stream.entries.findIndex((e) => e.expireAt > now);
      if (firstLive !== 0) stream.entries.splice(0, firstLive === -1 ? stream.entries.length : firstLive);
    }
  }
}

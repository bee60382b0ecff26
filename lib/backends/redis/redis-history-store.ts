import { randomBytes } from 'node:crypto';
import type { HistoryOptions, HistoryPage, HistoryQuery, HistoryStore } from '../../history/history-store.interface.js';
import { ErrorCode } from '../../protocol/codes.js';
import type { Publication, StreamPosition } from '../../protocol/frames.js';
import { StreamingError } from '../../protocol/protocol-error.js';
import { RedisScript } from './redis-script.js';
import type { RedisShards } from './redis-shards.js';

/**
 * KEYS: stream, meta. ARGV: publication JSON, size, ttl, metaTtl, a new epoch (used when the stream
 * has none), the pub/sub channel ('' for none), the message to publish around the offset, and the
 * command that publishes it (PUBLISH, or SPUBLISH for sharded pub/sub).
 * Offset, append and publish in one step: every node and every reader agrees on the order.
 */
const APPEND = new RedisScript(`local epoch = redis.call('HGET', KEYS[2], 'e')
if not epoch then
  epoch = ARGV[5]
  redis.call('HSET', KEYS[2], 'e', epoch)
end
local offset = redis.call('HINCRBY', KEYS[2], 's', 1)
redis.call('XADD', KEYS[1], 'MAXLEN', tonumber(ARGV[2]), offset .. '-1', 'd', ARGV[1])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[3]))
redis.call('EXPIRE', KEYS[2], tonumber(ARGV[4]))
if ARGV[6] ~= '' then
  redis.call(ARGV[8], ARGV[6], ARGV[7] .. offset .. ',"e":' .. cjson.encode(epoch) .. '}')
end
return {offset, epoch}`);

/** KEYS: meta. ARGV: a new epoch, metaTtl. The position, starting a stream (epoch) when there is none. */
const POSITION = new RedisScript(`local epoch = redis.call('HGET', KEYS[1], 'e')
if not epoch then
  epoch = ARGV[1]
  redis.call('HSET', KEYS[1], 'e', epoch)
end
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2]))
return {tonumber(redis.call('HGET', KEYS[1], 's') or '0'), epoch}`);

export const newEpoch = (): string => randomBytes(6).toString('base64url');

/** Where `appendAndPublish` publishes: `head` + offset + epoch on the pub/sub channel `name`. */
export interface HistoryPublish {
  name: string;
  head: string;
  command: 'publish' | 'spublish';
}

/**
 * A channel's history as a Redis Stream whose entry ids are the offsets (`<offset>-1`), beside a
 * hash holding the epoch and the last offset. Streams rather than a list: reading "after offset N"
 * is an `XRANGE` from an id, not a scan, and `MAXLEN` trims in the same command. Both keys share the
 * channel's hash tag (`{channel}`), so the script runs on one Cluster node. The stream expires
 * `ttl` seconds after its last publication (as Centrifugo's Redis engine: a publication lives at
 * least `ttl`, at most until the next ones push it out); the position `metaTtl` seconds.
 */
export class RedisHistoryStore implements HistoryStore {
  constructor(
    private readonly shards: RedisShards,
    private readonly prefix: string,
  ) {}

  keys(channel: string): [stream: string, meta: string] {
    return [`${this.prefix}history:{${channel}}`, `${this.prefix}history:{${channel}}:meta`];
  }

  async append(channel: string, publication: Publication, options: HistoryOptions): Promise<HistoryPage> {
    const { offset, epoch } = await this.appendAndPublish(channel, publication, options);
    return { offset, epoch, publications: [{ ...publication, offset }] };
  }

  /** Appends and, in the same step, publishes the message with its position (when `publish` is given). */
  async appendAndPublish(channel: string, publication: Publication, options: HistoryOptions, publish?: HistoryPublish): Promise<StreamPosition> {
    const ttls = [Math.max(1, Math.ceil(options.ttl)), Math.max(1, Math.ceil(options.metaTtl))];
    const args = [JSON.stringify(publication), options.size, ...ttls, newEpoch(), publish?.name ?? '', publish?.head ?? '', publish?.command ?? 'publish'];
    const [offset, epoch] = (await APPEND.run(this.shards, this.keys(channel), args)) as [number, string];
    return { offset: Number(offset), epoch };
  }

  async read(channel: string, query: HistoryQuery): Promise<HistoryPage> {
    const position = await this.position(channel, query.metaTtl);
    const { since, limit, reverse } = query;
    if (since && since.epoch !== '' && since.epoch !== position.epoch) throw new StreamingError(ErrorCode.UnrecoverablePosition);
    if (reverse && since && since.offset === 0) throw StreamingError.of(ErrorCode.BadRequest, 'reverse history needs since.offset > 0');
    if (limit === 0) return { ...position, publications: [] };
    const [stream] = this.keys(channel);
    const count = limit > 0 ? ['COUNT', limit] : [];
    // Up to the top just read, not the stream's end: what was appended since would make a page
    // run past its own top, and a recovery checking that the page ends at the top would fail.
    const top = String(position.offset);
    const entries = (
      reverse
        ? await this.shards.for(stream).call('XREVRANGE', stream, since ? `(${since.offset}-0` : top, '-', ...count)
        : await this.shards.for(stream).call('XRANGE', stream, since ? `${since.offset + 1}-0` : '-', top, ...count)
    ) as Array<[string, string[]]>;
    const publications = entries.map(([id, fields]) => ({ ...(JSON.parse(fields[1]!) as Publication), offset: Number(id.split('-', 1)[0]) }));
    return { ...position, publications };
  }

  async position(channel: string, metaTtl: number): Promise<StreamPosition> {
    const [offset, epoch] = (await POSITION.run(this.shards, this.keys(channel)[1], [newEpoch(), Math.max(1, Math.ceil(metaTtl))])) as [number, string];
    return { offset: Number(offset), epoch };
  }

  async remove(channel: string): Promise<void> {
    await this.shards.for(this.keys(channel)[0]).del(...this.keys(channel));
  }

  async close(): Promise<void> {}
}

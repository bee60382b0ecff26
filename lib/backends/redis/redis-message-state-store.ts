import type { MessageStateStore } from '../../messages/message-state-store.interface.js';
import type { MessageState } from '../../messages/message-state.js';
import { RedisScript } from './redis-script.js';
import type { RedisShards } from './redis-shards.js';

/**
 * The indexes of one message (KEYS[3] unread by offset, KEYS[4] replies by parent), from its stored
 * JSON. Members: `<id> <user>` and `<parent> <id>`; ids have no space, so the split is unambiguous.
 */
const INDEXES = `local function indexes(json, add)
  local s = cjson.decode(json)
  if type(s.thread) == 'string' then
    if add then redis.call('ZADD', KEYS[4], 0, s.thread .. ' ' .. s.id) else redis.call('ZREM', KEYS[4], s.thread .. ' ' .. s.id) end
  end
  if type(s.offset) == 'number' and s.deleted ~= true then
    if add then redis.call('ZADD', KEYS[3], s.offset, s.id .. ' ' .. s.user) else redis.call('ZREM', KEYS[3], s.id .. ' ' .. s.user) end
  end
end
local function forget(id)
  local old = redis.call('HGET', KEYS[1], id)
  if old then indexes(old, false) end
  redis.call('HDEL', KEYS[1], id)
  redis.call('HDEL', KEYS[2], id)
end`;

/** KEYS: states, reactions, unread, replies, ids. ARGV: id, state JSON (without reactions), reactions JSON, keep. */
const PUT = new RedisScript(`${INDEXES}
forget(ARGV[1])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
redis.call('ZADD', KEYS[5], 0, ARGV[1])
indexes(ARGV[2], true)
local over = redis.call('ZCARD', KEYS[5]) - tonumber(ARGV[4])
if over > 0 then
  for _, id in ipairs(redis.call('ZRANGE', KEYS[5], 0, over - 1)) do forget(id) end
  redis.call('ZREMRANGEBYRANK', KEYS[5], 0, over - 1)
end
return 0`);

/** KEYS: as PUT. ARGV: id, state JSON (without reactions). The reactions stay; 0 for no such message. */
const UPDATE = new RedisScript(`${INDEXES}
local old = redis.call('HGET', KEYS[1], ARGV[1])
if not old then return 0 end
indexes(old, false)
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
indexes(ARGV[2], true)
return 1`);

const REMOVE = new RedisScript(`${INDEXES}
forget(ARGV[1])
redis.call('ZREM', KEYS[5], ARGV[1])
return 0`);

/** Re-encodes only the reactions (emoji → users), never the message: cjson would alter the app's data. */
const REACT = new RedisScript(`if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return false end
local reactions = cjson.decode(redis.call('HGET', KEYS[2], ARGV[1]) or '{}')
local kept = {}
local had = false
for _, user in ipairs(reactions[ARGV[2]] or {}) do
  if user == ARGV[3] then had = true end
  if user ~= ARGV[3] or ARGV[4] == '1' then table.insert(kept, user) end
end
if ARGV[4] == '1' and not had then table.insert(kept, ARGV[3]) end
if #kept > 0 then reactions[ARGV[2]] = kept else reactions[ARGV[2]] = nil end
local encoded = '{}'
if next(reactions) ~= nil then encoded = cjson.encode(reactions) end
redis.call('HSET', KEYS[2], ARGV[1], encoded)
return encoded`);

/** ARGV: ids; answers state and reactions JSON for each, in order. */
const READ = `local out = {}
for _, id in ipairs(ids) do
  table.insert(out, redis.call('HGET', KEYS[1], id))
  table.insert(out, redis.call('HGET', KEYS[2], id))
end
return out`;

const GET = new RedisScript(`local ids = { ARGV[1] }
${READ}`);

/** ARGV: `(before` or `+`, limit: the newest `limit` older than `before`, oldest first. */
const PAGE = new RedisScript(`local newest = redis.call('ZREVRANGEBYLEX', KEYS[5], ARGV[1], '-', 'LIMIT', 0, tonumber(ARGV[2]))
local ids = {}
for i = #newest, 1, -1 do table.insert(ids, newest[i]) end
${READ}`);

/** ARGV: parent, limit. Replies of `parent` are the members from `parent ` up to (not with) `parent!`. */
const THREAD = new RedisScript(`local replies = redis.call('ZRANGEBYLEX', KEYS[4], '[' .. ARGV[1] .. ' ', '(' .. ARGV[1] .. '!', 'LIMIT', 0, tonumber(ARGV[2]))
local ids = {}
for _, reply in ipairs(replies) do table.insert(ids, string.sub(reply, #ARGV[1] + 2)) end
${READ}`);

/** KEYS[6]: read positions. Never moves back. */
const SET_READ = new RedisScript(`local now = math.max(tonumber(redis.call('HGET', KEYS[6], ARGV[1]) or '0'), tonumber(ARGV[2]))
redis.call('HSET', KEYS[6], ARGV[1], now)
return now`);

/** Counts past the read position, skipping the user's own (members `<id> <user>`). */
const UNREAD = new RedisScript(`local read = redis.call('HGET', KEYS[6], ARGV[1]) or '0'
local count = 0
for _, member in ipairs(redis.call('ZRANGEBYSCORE', KEYS[3], '(' .. read, '+inf')) do
  if string.sub(member, string.find(member, ' ', 1, true) + 1) ~= ARGV[1] then count = count + 1 end
end
return count`);

/**
 * `MessageStateStore` in Redis. A channel's keys share a hash tag, so each operation is one atomic
 * script on one Cluster node: `<prefix>messages:{<channel>}:states` (id → the message as JSON,
 * stored as the app's data was given), `:reactions` (id → emoji → users), `:ids` (ids in order, for
 * pages and trimming to `keep`), `:unread` (offsets of messages that count as unread),
 * `:replies` (replies by parent) and `:reads` (user → read offset). The client is the caller's:
 * `close` leaves it open.
 */
export class RedisMessageStateStore implements MessageStateStore {
  constructor(
    private readonly shards: RedisShards,
    private readonly prefix: string,
  ) {}

  async put(state: MessageState, keep: number): Promise<void> {
    const { reactions, ...rest } = state;
    await PUT.run(this.shards, this.keys(state.channel), [state.id, JSON.stringify(rest), JSON.stringify(reactions), keep]);
  }

  async update(state: MessageState): Promise<boolean> {
    const { reactions: _kept, ...rest } = state;
    return (await UPDATE.run(this.shards, this.keys(state.channel), [state.id, JSON.stringify(rest)])) === 1;
  }

  async get(channel: string, id: string): Promise<MessageState | undefined> {
    return (await this.states(GET, channel, [id]))[0];
  }

  async page(channel: string, before: string | undefined, limit: number): Promise<MessageState[]> {
    return this.states(PAGE, channel, [before === undefined ? '+' : `(${before}`, limit]);
  }

  async thread(channel: string, parent: string, limit: number): Promise<MessageState[]> {
    return this.states(THREAD, channel, [parent, limit]);
  }

  async react(channel: string, id: string, emoji: string, user: string, add: boolean): Promise<Record<string, string[]> | undefined> {
    const reactions = await REACT.run(this.shards, this.keys(channel), [id, emoji, user, add ? '1' : '0']);
    return typeof reactions === 'string' ? (JSON.parse(reactions) as Record<string, string[]>) : undefined;
  }

  async remove(channel: string, id: string): Promise<void> {
    await REMOVE.run(this.shards, this.keys(channel), [id]);
  }

  async setRead(channel: string, user: string, offset: number): Promise<number> {
    return Number(await SET_READ.run(this.shards, this.keys(channel), [user, offset]));
  }

  async unread(channel: string, user: string): Promise<number> {
    return Number(await UNREAD.run(this.shards, this.keys(channel), [user]));
  }

  async close(): Promise<void> {}

  /** Messages from a script answering state and reactions JSON pairs; one removed meanwhile is left out. */
  private async states(script: RedisScript, channel: string, args: Array<string | number>): Promise<MessageState[]> {
    const pairs = (await script.run(this.shards, this.keys(channel), args)) as Array<string | null>;
    const found: MessageState[] = [];
    for (let i = 0; i < pairs.length; i += 2) {
      const state = pairs[i];
      if (state) found.push({ ...(JSON.parse(state) as Omit<MessageState, 'reactions'>), reactions: JSON.parse(pairs[i + 1] ?? '{}') as Record<string, string[]> });
    }
    return found;
  }

  private keys(channel: string): string[] {
    const base = `${this.prefix}messages:{${channel}}`;
    return ['states', 'reactions', 'unread', 'replies', 'ids', 'reads'].map((part) => `${base}:${part}`);
  }
}

import { compileChannelPattern } from './channel-pattern.js';

// Enough for the hot channels of a busy node; beyond it the oldest entry makes room.
const MAX_CACHED_CHANNELS = 10_000;

interface Entry<T> {
  matches: (channel: string) => boolean;
  handler: T;
}

/** Handlers of one channel event, looked up by channel; patterns are compiled once, lookups cached. */
export class ChannelHandlers<T> {
  private readonly entries: Entry<T>[] = [];
  private readonly cache = new Map<string, readonly T[]>();
  /** Set while every handler matches every channel: the common case needs no lookup at all. */
  private everyChannel: T[] | undefined = [];

  /** Adds a handler that runs for channels matching any of `patterns`, after those added before. */
  add(patterns: readonly string[], handler: T): void {
    const matchers = patterns.map(compileChannelPattern);
    this.entries.push({ matches: (channel) => matchers.some((m) => m(channel)), handler });
    this.everyChannel = patterns.includes('*') ? this.everyChannel?.concat(handler) : undefined;
    this.cache.clear();
  }

  /** The handlers for `channel`, in the order they were added. */
  match(channel: string): readonly T[] {
    if (this.everyChannel) return this.everyChannel;
    let handlers = this.cache.get(channel);
    if (handlers) return handlers;
    handlers = this.entries.filter((e) => e.matches(channel)).map((e) => e.handler);
    if (this.cache.size >= MAX_CACHED_CHANNELS) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(channel, handlers);
    return handlers;
  }
}

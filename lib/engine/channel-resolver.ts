import type { NamespaceOptions, ResolvedNamespaceOptions } from '../options/namespace-options.js';
import { withDefaults } from '../options/namespace-defaults.js';
import { ErrorCode } from '../protocol/codes.js';
import { StreamingError } from '../protocol/protocol-error.js';

export const NAMESPACE_SEPARATOR = ':';
// Control characters and whitespace have no business in a channel name and confuse logs and patterns.
const INVALID_CHANNEL_CHARS = /[\u0000-\u0020\u007f]/;

export interface ResolvedChannel {
  namespace: string;
  options: ResolvedNamespaceOptions;
}

/** Maps a channel name to its namespace's options; unknown namespaces are error 102. */
export class ChannelResolver {
  // Resolved once per namespace and shared: every subscription holds its ResolvedChannel.
  private readonly namespaces = new Map<string, ResolvedChannel>();
  private readonly topLevel: ResolvedChannel;

  constructor(
    topLevel: NamespaceOptions | undefined,
    namespaces: Record<string, NamespaceOptions> | undefined,
    private readonly maxChannelLength: number,
  ) {
    this.topLevel = { namespace: '', options: withDefaults(topLevel) };
    for (const [name, ns] of Object.entries(namespaces ?? {})) this.namespaces.set(name, { namespace: name, options: withDefaults(ns) });
  }

  resolve(channel: string): ResolvedChannel {
    if (channel.length > this.maxChannelLength) {
      throw StreamingError.of(ErrorCode.LimitExceeded, `channel name longer than ${this.maxChannelLength}`);
    }
    if (INVALID_CHANNEL_CHARS.test(channel)) {
      throw StreamingError.of(ErrorCode.BadRequest, 'channel name has whitespace or control characters');
    }
    const sep = channel.indexOf(NAMESPACE_SEPARATOR);
    if (sep === -1) return this.topLevel;
    const resolved = this.namespaces.get(channel.slice(0, sep));
    if (!resolved) throw new StreamingError(ErrorCode.UnknownChannel);
    return resolved;
  }
}

import type { WireClientInfo } from '../protocol/frames.js';

export interface PresenceStats {
  numClients: number;
  numUsers: number;
}

/**
 * Who is subscribed to a channel, across every node. Entries may expire (`presenceTtl`): each node
 * adds its clients' entries again well within it, so only those of a vanished node run out.
 */
export interface PresenceStore {
  /** Adds the entry, or refreshes it (and its expiry) when the client is there already. */
  add(channel: string, info: WireClientInfo): Promise<void>;
  /** The user lets a store count users without reading the entry back. */
  remove(channel: string, client: string, user: string): Promise<void>;
  get(channel: string): Promise<Record<string, WireClientInfo>>;
  stats(channel: string): Promise<PresenceStats>;
  close(): Promise<void>;
}

import type { WireClientInfo } from '../protocol/frames.js';

export interface PresenceStats {
  numClients: number;
  numUsers: number;
}

/** Who is subscribed to a channel, across every node. */
export interface PresenceStore {
  add(channel: string, info: WireClientInfo): Promise<void>;
  remove(channel: string, clientId: string): Promise<void>;
  get(channel: string): Promise<Record<string, WireClientInfo>>;
  stats(channel: string): Promise<PresenceStats>;
  close(): Promise<void>;
}

import type { ClientInfo } from '../engine/client-info.js';

/** What the event names besides its data: the channel of channel events, the method of rpc. */
export interface HandlerExtra {
  channel?: string;
  method?: string;
  /** On subscribe: the client holds a valid subscription token for the channel. */
  subscriptionToken?: boolean;
}

/**
 * The arguments every wrapped handler is called with. Their order is the one Nest's `ws` execution
 * context reads: `switchToWs().getClient()` is the client, `getData()` the data, `getPattern()` the extra.
 */
export type HandlerArgs = [client: ClientInfo, data: unknown, extra: HandlerExtra];

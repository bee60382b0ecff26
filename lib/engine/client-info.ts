import type { Identity } from '../auth/authenticator.interface.js';

/** The connection as handlers and services see it. */
export interface ClientInfo extends Identity {
  /** Unique id of the connection (the `client` of the connect reply). */
  id: string;
  transport: 'websocket';
  /** Channels the client is subscribed to now. */
  channels: string[];
}

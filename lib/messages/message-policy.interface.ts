import type { ClientInfo } from '../engine/client-info.js';
import type { MessageState } from './message-state.js';

/** Injection token of the `MessagePolicy` in force (the `messages.policy` option, else room and connection roles). */
export const MESSAGE_POLICY = Symbol('MESSAGE_POLICY');

/** What a client asks to do to a message someone else wrote. */
export interface MessageChangeRequest {
  client: ClientInfo;
  channel: string;
  message: MessageState;
  action: 'edit' | 'delete';
}

/**
 * Who may edit and delete what others wrote. Authors always may change their own messages, and the
 * right to publish in the channel is checked before: the policy only answers for moderation, so an
 * app with its own notion of moderators replaces this one piece (option `messages.policy`).
 */
export interface MessagePolicy {
  mayModerate(request: MessageChangeRequest): boolean | Promise<boolean>;
}

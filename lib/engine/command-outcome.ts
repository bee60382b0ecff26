/**
 * What every command handler returns: the command loop replies with `result` (none for `send`
 * and `pong`), then runs `afterReply` (going live, join pushes) on the command chain.
 */
export interface CommandOutcome {
  result?: object;
  afterReply?: () => Promise<void>;
}

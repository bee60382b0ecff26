import { historyEnabled } from '../options/namespace-options.js';
import { ErrorCode } from '../protocol/codes.js';
import type { Publication, SubscribeRequest, SubscribeResult } from '../protocol/frames.js';
import { StreamingError } from '../protocol/protocol-error.js';
import type { Node } from './node.js';
import { isRecovered, mergeBuffered } from './recovery.js';
import { LIVE_BUFFER } from './subscription-buffer.js';
import type { Subscription } from './subscription.js';

/** Position and recovered publications for a subscribe reply, per Centrifugo's rules. */
export async function subscribeResult(node: Node, req: SubscribeRequest, sub: Subscription): Promise<SubscribeResult> {
  const { channel } = sub;
  const ns = sub.resolved.options;
  const recoverable = historyEnabled(ns) && (ns.forceRecovery || req.recoverable === true);
  const positioned = recoverable || (historyEnabled(ns) && (ns.forcePositioning || req.positioned === true));
  if (!positioned) return {};
  const result: SubscribeResult = { positioned: true };
  if (recoverable) result.recoverable = true;
  if (!(recoverable && req.recover)) {
    const position = await node.streamPosition(channel, ns);
    result.epoch = position.epoch;
    result.offset = position.offset;
    return result;
  }
  result.was_recovering = true;
  const since = { offset: req.offset ?? 0, epoch: req.epoch ?? '' };
  const page = await node.history(channel, { since, limit: -1 }, ns).catch((err: unknown) => {
    if (err instanceof StreamingError && err.code === ErrorCode.UnrecoverablePosition) return undefined;
    throw err;
  });
  const top = page ?? { ...(await node.streamPosition(channel, ns)), publications: [] };
  result.epoch = top.epoch;
  result.recovered = page !== undefined && isRecovered(page.publications, top, since);
  if (result.recovered) {
    // As Centrifugo: the reply carries the client's own offset and the publications advance it.
    result.offset = since.offset;
    result.publications = mergeBuffered(top.publications, top.offset, sub.buffer.take());
  } else {
    result.offset = top.offset;
  }
  return result;
}

/**
 * Whether a live publication is one the positioned subscription's client does not have yet (its
 * offset above the subscription's); the subscription then moves to it. Publications without an
 * offset, and subscriptions without a position, always pass.
 */
export function advances(sub: Subscription, publication: Publication): boolean {
  if (sub.offset === undefined || publication.offset === undefined) return true;
  if (publication.offset <= sub.offset) return false;
  sub.offset = publication.offset;
  return true;
}

/** What arrived while subscribing and is newer than the reply's position; the buffer goes live. */
export function goLive(sub: Subscription, result: SubscribeResult): Publication[] {
  const known = result.publications ?? [];
  const top = known.length > 0 ? known[known.length - 1]!.offset! : (result.offset ?? 0);
  const pending = sub.buffer.goLive();
  sub.buffer = LIVE_BUFFER;
  if (!result.positioned) return pending;
  const newer = mergeBuffered([], top, pending);
  // The last offset handed over (a channel's publications arrive in offset order); one kept out of
  // history has no offset and leaves the position where it was.
  sub.offset = newer.reduce((offset, p) => p.offset ?? offset, top);
  return newer;
}

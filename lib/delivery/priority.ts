/**
 * How much a message may be sacrificed for a slow reader. `high` (replies, join/leave,
 * unsubscribe pushes, pings) and `normal` (publications) are never dropped: a reader too slow for
 * them is disconnected (3008). `low` (ephemeral publications: typing, cursors) is dropped first,
 * once the connection's socket holds `delivery.lowPriorityQueueSize` bytes.
 */
export type Priority = 'high' | 'normal' | 'low';

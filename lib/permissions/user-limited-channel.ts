/** Centrifugo's user-limited channels: `dm:#alice,bob` belongs to alice and bob, `personal:#alice` to alice. */
const USER_CHANNEL_BOUNDARY = '#';
const USER_CHANNEL_SEPARATOR = ',';

/** The users a `#` channel is limited to (after its last `#`, as Centrifugo), or undefined for an ordinary channel. */
export function channelUsers(channel: string): string[] | undefined {
  const boundary = channel.lastIndexOf(USER_CHANNEL_BOUNDARY);
  if (boundary === -1) return undefined;
  return channel.slice(boundary + 1).split(USER_CHANNEL_SEPARATOR);
}

/**
 * The presence channels each user is subscribed to on this node (counted per connection), and those
 * they left lately: a user going offline after the grace has left every channel by then, and the
 * rooms they were in still need to hear it.
 */
export class UserChannels {
  private readonly current = new Map<string, Map<string, number>>();
  private readonly left = new Map<string, Set<string>>();

  subscribed(user: string, channel: string): void {
    let channels = this.current.get(user);
    if (!channels) {
      channels = new Map();
      this.current.set(user, channels);
    }
    channels.set(channel, (channels.get(channel) ?? 0) + 1);
    this.left.get(user)?.delete(channel);
  }

  unsubscribed(user: string, channel: string): void {
    const channels = this.current.get(user);
    const count = channels?.get(channel);
    if (!channels || count === undefined) return;
    if (count > 1) {
      channels.set(channel, count - 1);
      return;
    }
    channels.delete(channel);
    if (channels.size === 0) this.current.delete(user);
    let left = this.left.get(user);
    if (!left) {
      left = new Set();
      this.left.set(user, left);
    }
    left.add(channel);
  }

  /** Where a change of the user's status is told: the channels they are in, and those they left since they were last told. */
  audience(user: string): string[] {
    return [...new Set([...(this.current.get(user)?.keys() ?? []), ...(this.left.get(user) ?? [])])];
  }

  /** The user's status went out to `audience`: the channels they left need not hear of them again. */
  told(user: string): void {
    this.left.delete(user);
  }
}

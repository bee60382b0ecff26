import { checkPublicationDataSize } from '../limits/publication-data-size.js';
import { RateLimitedError } from '../limits/rate-limited.error.js';
import { Permission } from '../permissions/permission.enum.js';
import type { HistoryRequest, Publication, PublishRequest, RpcRequest } from '../protocol/frames.js';
import type { CommandOutcome } from './command-outcome.js';
import type { SessionCore } from './session-core.js';

/** The commands that act on a channel without subscribing (publish, presence, history) and the app's rpc/send. */
export class ChannelCommands {
  constructor(private readonly core: SessionCore) {}

  async publish(req: PublishRequest): Promise<CommandOutcome> {
    const { core } = this;
    const { node } = core;
    const { channel } = req;
    await node.authorize(core.identity, channel, Permission.Publish, { subscribed: core.isSubscribed(channel) });
    checkPublicationDataSize(req.data, node.options.limits.maxPublicationDataSize);
    if (node.limits.publicationRate && !(await node.limits.admitPublication(channel))) {
      throw new RateLimitedError(`channel over ${node.options.limits.channelPublicationsPerSecond} publications/s`);
    }
    const hook = await node.hooks.onPublish({ client: core.info, channel, data: req.data });
    const publication: Publication = {
      data: hook && 'data' in hook && hook.data !== undefined ? hook.data : req.data,
      info: core.wireInfo(core.subs.get(channel)?.chanInfo),
    };
    if (hook?.tags) publication.tags = hook.tags;
    await node.publish(channel, publication, { skipHistory: hook?.skipHistory, ephemeral: hook?.ephemeral });
    return { result: {} };
  }

  async presence(channel: string): Promise<CommandOutcome> {
    await this.authorize(channel, 'presence');
    return { result: { presence: await this.core.node.presence(channel) } };
  }

  async presenceStats(channel: string): Promise<CommandOutcome> {
    await this.authorize(channel, 'presence');
    const stats = await this.core.node.presenceStats(channel);
    return { result: { num_clients: stats.numClients, num_users: stats.numUsers } };
  }

  async history(req: HistoryRequest): Promise<CommandOutcome> {
    const ns = await this.authorize(req.channel, 'history');
    const since = req.since ? { offset: req.since.offset ?? 0, epoch: req.since.epoch ?? '' } : undefined;
    const page = await this.core.node.history(req.channel, { since, limit: req.limit ?? 0, reverse: req.reverse }, ns);
    return { result: { publications: page.publications, epoch: page.epoch, offset: page.offset } };
  }

  async rpc(req: RpcRequest): Promise<CommandOutcome> {
    const data = await this.core.node.hooks.onRpc({ client: this.core.info, method: req.method ?? '', data: req.data });
    return { result: data === undefined ? {} : { data } };
  }

  async send(data: unknown): Promise<CommandOutcome> {
    await this.core.node.hooks.onMessage({ client: this.core.info, data });
    return {};
  }

  /** The feature is on in the namespace (else 108) and the client may use it (else 103). */
  private async authorize(channel: string, feature: 'presence' | 'history') {
    const { core } = this;
    const ns = core.node.featureOptions(channel, feature);
    const permission = feature === 'presence' ? Permission.Presence : Permission.History;
    await core.node.authorize(core.identity, channel, permission, { subscribed: core.isSubscribed(channel) });
    return ns;
  }
}

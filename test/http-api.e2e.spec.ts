import type { Backend } from '../lib/backends/backend.interface.js';
import { StreamingManager } from '../lib/index.js';
import { BACKEND } from '../lib/streaming.constants.js';
import { ApiTestBed } from './support/api-test-bed.js';
import { once, subscribed } from './support/centrifuge-client.js';

describe('server HTTP API methods (Express)', () => {
  const bed = new ApiTestBed();

  beforeAll(() => bed.start());
  afterEach(() => bed.disconnectClients());
  afterAll(() => bed.server.close());

  describe('publish and broadcast', () => {
    it('publishes to SDK subscribers with tags, and answers with the history position', async () => {
      const alice = await bed.connected('alice');
      const sub = await subscribed(alice, 'chat:pub');
      const received = once<any>(sub, 'publication');
      const reply = await bed.call('publish', { channel: 'chat:pub', data: { text: 'hi' }, tags: { kind: 'note' } });
      expect(reply.json).toEqual({ result: { offset: 1, epoch: expect.any(String) } });
      const pub = await received;
      expect(pub.data).toEqual({ text: 'hi' });
      expect(pub.tags).toEqual({ kind: 'note' });
      expect(pub.offset).toBe(1);
    });

    it('keeps a skip_history publication out of history but delivers it', async () => {
      const bob = await bed.connected('bob');
      const sub = await subscribed(bob, 'chat:skip');
      const received = once<any>(sub, 'publication');
      expect((await bed.call('publish', { channel: 'chat:skip', data: 1, skip_history: true })).json).toEqual({ result: {} });
      expect((await received).data).toBe(1);
      expect((await bed.call('history', { channel: 'chat:skip', limit: -1 })).json.result.publications).toEqual([]);
    });

    it('publishes once per idempotency_key and channel, and answers the repeat with the first position', async () => {
      const carol = await bed.connected('carol');
      const sub = await subscribed(carol, 'chat:idem');
      const seen: unknown[] = [];
      sub.on('publication', (ctx) => seen.push(ctx.data));
      const first = await bed.call('publish', { channel: 'chat:idem', data: 'once', idempotency_key: 'k1' });
      const again = await bed.call('publish', { channel: 'chat:idem', data: 'twice', idempotency_key: 'k1' });
      const other = await bed.call('publish', { channel: 'chat:idem', data: 'other', idempotency_key: 'k2' });
      expect(again.json).toEqual(first.json);
      expect(other.json.result.offset).toBe(first.json.result.offset + 1);
      const history = await bed.call('history', { channel: 'chat:idem', limit: -1 });
      expect(history.json.result.publications.map((p: { data: unknown }) => p.data)).toEqual(['once', 'other']);
      const marker = once<any>(sub, 'publication');
      await bed.call('publish', { channel: 'chat:idem', data: 'marker' });
      await marker;
      expect(seen).toEqual(['once', 'other', 'marker']);
    });

    it('broadcasts to several channels with one reply each, a failing channel not failing the rest', async () => {
      const dave = await bed.connected('dave');
      const a = await subscribed(dave, 'chat:b1');
      const b = await subscribed(dave, 'plain:b2');
      const both = Promise.all([once<any>(a, 'publication'), once<any>(b, 'publication')]);
      const reply = await bed.call('broadcast', { channels: ['chat:b1', 'plain:b2', 'nope:x'], data: { n: 1 } });
      expect(reply.json.result.responses).toEqual([
        { result: { offset: 1, epoch: expect.any(String) } },
        { result: {} },
        { error: { code: 102, message: 'unknown channel' } },
      ]);
      expect((await both).map((p) => p.data)).toEqual([{ n: 1 }, { n: 1 }]);
      expect((await bed.call('broadcast', { channels: [], data: 1 })).json.error.code).toBe(107);
    });
  });

  describe('acting on connections', () => {
    it('subscribes a user server-side: the SDK announces it and gets its publications', async () => {
      const erin = await bed.connected('erin');
      const announced = once<any>(erin, 'subscribed');
      expect((await bed.call('subscribe', { user: 'erin', channel: 'chat:server', data: { welcome: true } })).json).toEqual({ result: {} });
      const ctx = await announced;
      expect(ctx.channel).toBe('chat:server');
      expect(ctx.data).toEqual({ welcome: true });
      const published = once<any>(erin, 'publication');
      await bed.call('publish', { channel: 'chat:server', data: 'to erin' });
      expect((await published).data).toBe('to erin');
      const presence = await bed.call('presence', { channel: 'chat:server' });
      expect(Object.values(presence.json.result.presence)).toEqual([{ user: 'erin', client: expect.any(String), conn_info: { name: 'erin' } }]);
    });

    it('recovers publications since a position into the server-side subscription', async () => {
      const first = await bed.call('publish', { channel: 'chat:recover', data: 'missed' });
      const frank = await bed.connected('frank');
      const announced = once<any>(frank, 'subscribed');
      const pubs = once<any>(frank, 'publication');
      const since = { offset: first.json.result.offset - 1, epoch: first.json.result.epoch };
      await bed.call('subscribe', { user: 'frank', channel: 'chat:recover', recover_since: since });
      expect((await announced).recovered).toBe(true);
      expect((await pubs).data).toBe('missed');
    });

    it('unsubscribes a user: the SDK subscription ends with 2000', async () => {
      const gina = await bed.connected('gina');
      const sub = await subscribed(gina, 'chat:unsub');
      const ended = once<{ code: number }>(sub, 'unsubscribed');
      expect((await bed.call('unsubscribe', { user: 'gina', channel: 'chat:unsub' })).json).toEqual({ result: {} });
      expect((await ended).code).toBe(2000);
      expect((await bed.call('channels', { pattern: 'chat:unsub' })).json.result.channels).toEqual({});
    });

    it('disconnects a user with the given code, leaving whitelisted connections', async () => {
      const { client: kept, id: keptId } = await bed.connectedWithId('hank');
      const dropped = await bed.connected('hank');
      const gone = once<{ code: number }>(dropped, 'disconnected');
      const reply = await bed.call('disconnect', { user: 'hank', whitelist: [keptId], disconnect: { code: 4503, reason: 'banned' } });
      expect(reply.json).toEqual({ result: {} });
      expect(await gone).toMatchObject({ code: 4503, reason: 'banned' });
      expect(kept.state).toBe('connected');
      const alsoGone = once<{ code: number }>(kept, 'disconnected');
      await bed.call('disconnect', { user: 'hank' });
      expect((await alsoGone).code).toBe(3503);
    });

    it('refreshes a connection: new info for what it does next, expired closes it with 3005', async () => {
      const ivy = await bed.connected('ivy');
      await bed.call('refresh', { user: 'ivy', info: { name: 'Ivy 2' } });
      await subscribed(ivy, 'chat:refreshed');
      const presence = await bed.call('presence', { channel: 'chat:refreshed' });
      expect(Object.values(presence.json.result.presence)).toEqual([expect.objectContaining({ user: 'ivy', conn_info: { name: 'Ivy 2' } })]);
      const closed = once<{ code: number }>(ivy, 'connecting');
      await bed.call('refresh', { user: 'ivy', expired: true });
      expect((await closed).code).toBe(3005);
    });

    it('refresh with expire_at makes the connection expire then (3005)', async () => {
      const jack = await bed.connected('jack');
      // 0 is protobuf's unset value, as in Centrifugo: not an expiry in 1970.
      await bed.call('refresh', { user: 'jack', expire_at: 0 });
      expect((await bed.call('info')).json.result.nodes[0].num_clients).toBe(1);
      const closed = once<{ code: number }>(jack, 'connecting');
      await bed.call('refresh', { user: 'jack', expire_at: Math.floor(Date.now() / 1000) });
      expect((await closed).code).toBe(3005);
    });

    it('refuses a session id (connections have none here) and a disconnect code no socket can close with', async () => {
      expect((await bed.call('disconnect', { user: 'x', session: 's1' })).json.error.code).toBe(108);
      const kate = await bed.connected('kate');
      for (const code of [5, 1000, 5000]) {
        expect((await bed.call('disconnect', { user: 'kate', disconnect: { code, reason: 'x' } })).json.error.code).toBe(107);
      }
      expect(kate.state).toBe('connected');
    });
  });

  describe('reading state', () => {
    it('answers presence and presence_stats, and 108 where presence is off', async () => {
      const kim = await bed.connected('kim');
      await subscribed(kim, 'chat:who');
      expect((await bed.call('presence_stats', { channel: 'chat:who' })).json).toEqual({ result: { num_clients: 1, num_users: 1 } });
      expect((await bed.call('presence', { channel: 'plain:who' })).json.error.code).toBe(108);
      expect((await bed.call('presence_stats', { channel: 'plain:who' })).json.error.code).toBe(108);
    });

    it('answers history with limit, since and reverse, 112 for another epoch, and removes it', async () => {
      for (const n of [1, 2, 3]) await bed.call('publish', { channel: 'chat:hist', data: n });
      const all = await bed.call('history', { channel: 'chat:hist', limit: -1 });
      const { epoch } = all.json.result;
      expect(all.json.result).toMatchObject({ offset: 3, epoch });
      expect(all.json.result.publications.map((p: { data: number }) => p.data)).toEqual([1, 2, 3]);
      const newest = await bed.call('history', { channel: 'chat:hist', limit: 1, reverse: true });
      expect(newest.json.result.publications.map((p: { data: number }) => p.data)).toEqual([3]);
      const since = await bed.call('history', { channel: 'chat:hist', limit: -1, since: { offset: 1, epoch } });
      expect(since.json.result.publications.map((p: { offset: number }) => p.offset)).toEqual([2, 3]);
      expect((await bed.call('history', { channel: 'chat:hist', since: { offset: 1, epoch: 'other' } })).json.error.code).toBe(112);
      expect((await bed.call('history', { channel: 'plain:hist' })).json.error.code).toBe(108);

      expect((await bed.call('history_remove', { channel: 'chat:hist' })).json).toEqual({ result: {} });
      const after = await bed.call('history', { channel: 'chat:hist', limit: -1 });
      expect(after.json.result.publications).toEqual([]);
      expect(after.json.result.epoch).not.toBe(epoch);
      expect((await bed.call('history_remove', { channel: 'plain:hist' })).json.error.code).toBe(108);
    });

    it('lists channels with subscriber counts, filtered by a pattern', async () => {
      const lee = await bed.connected('lee');
      const mia = await bed.connected('mia');
      for (const c of [lee, mia]) await subscribed(c, 'chat:room-1');
      await subscribed(lee, 'chat:room-2');
      await subscribed(lee, 'plain:other');
      expect((await bed.call('channels', { pattern: 'chat:room-*' })).json.result.channels).toEqual({
        'chat:room-1': { num_clients: 2 },
        'chat:room-2': { num_clients: 1 },
      });
      expect((await bed.call('channels', { pattern: 'chat:room-{2,3}' })).json.result.channels).toEqual({ 'chat:room-2': { num_clients: 1 } });
      expect(Object.keys((await bed.call('channels')).json.result.channels).sort()).toEqual(['chat:room-1', 'chat:room-2', 'plain:other']);
      expect((await bed.call('channels', { pattern: 'chat:[' })).json.error.code).toBe(107);
    });

    it('reports the node in info', async () => {
      await bed.connected('ned');
      const { nodes } = (await bed.call('info')).json.result;
      expect(nodes).toEqual([
        expect.objectContaining({ uid: expect.any(String), name: expect.any(String), num_clients: 1, num_users: 1, uptime: expect.any(Number) }),
      ]);
      expect(bed.server.app.get(StreamingManager).stats().numClients).toBe(1);
    });

    it('runs a batch in order, each command with its own reply', async () => {
      const reply = await bed.call('batch', {
        commands: [{ publish: { channel: 'chat:batch', data: 1 } }, { publish: { channel: 'nope:x', data: 1 } }, { history: { channel: 'chat:batch', limit: -1 } }],
      });
      const [published, failed, history] = reply.json.result.replies;
      expect(published).toEqual({ publish: { offset: 1, epoch: expect.any(String) } });
      expect(failed).toEqual({ error: { code: 102, message: 'unknown channel' } });
      expect(history.history.publications).toHaveLength(1);
      expect((await bed.call('batch', { commands: [{ batch: {} }] })).status).toBe(400);
      const parallel = await bed.call('batch', {
        parallel: true,
        commands: [{ publish: { channel: 'chat:batch-p', data: 1 } }, { presence_stats: { channel: 'plain:x' } }, { info: {} }],
      });
      expect(parallel.json.result.replies).toEqual([
        { publish: { offset: 1, epoch: expect.any(String) } },
        { error: { code: 108, message: expect.any(String) } },
        { info: { nodes: expect.any(Array) } },
      ]);
    });
  });

  describe('server faults', () => {
    it('answers 100 without the details when the backend fails, and keeps serving', async () => {
      // The memory backend does not fail; a store that throws stands in for a backend that does (Redis down).
      const { history } = bed.server.app.get<symbol, Backend>(BACKEND);
      const read = history.read;
      history.read = () => Promise.reject(new Error('connection refused to 10.0.0.7:6379'));
      try {
        const reply = await bed.call('history', { channel: 'chat:fault', limit: -1 });
        expect(reply).toMatchObject({ status: 200, json: { error: { code: 100, message: 'internal server error' } } });
        expect(reply.text).not.toContain('10.0.0.7');
      } finally {
        history.read = read;
      }
      expect((await bed.call('history', { channel: 'chat:fault' })).json.result).toMatchObject({ offset: 0 });
    });
  });
});

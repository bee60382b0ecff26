import type { Centrifuge } from 'centrifuge';
import type { Centrifuge as ProtobufCentrifuge } from 'centrifuge/build/protobuf';
import { StreamingManager } from '../../lib/index.js';
import { startApp, type TestApp } from '../support/app.js';
import { collect, connectedClient, protobufSdkClient, sdkClient, subscribed } from '../support/centrifuge-client.js';
import { RawClient } from '../support/raw-client.js';
import { connectionToken, TEST_SECRET } from '../support/tokens.js';

/** Whole state published again and again with one field changed: what delta compression is for. */
function state(n: number, note = 'steady') {
  const rows = Array.from({ length: 40 }, (_, i) => ({ id: i, name: `row ${i}`, value: i === n % 40 ? n : i, note }));
  return { n, rows };
}

const parse = (data: Uint8Array) => JSON.parse(new TextDecoder().decode(data));

/** Fossil delta subscriptions (`delta: 'fossil'`) with the SDK's JSON and protobuf builds. */
describe('delta compression', () => {
  let server: TestApp;
  let manager: StreamingManager;
  const clients: Array<Centrifuge | ProtobufCentrifuge> = [];
  const sockets: RawClient[] = [];

  async function json(user: string): Promise<Centrifuge> {
    const c = sdkClient(server.wsUrl, { token: await connectionToken(user) });
    clients.push(c);
    return connectedClient(c);
  }

  async function protobuf(user: string): Promise<ProtobufCentrifuge> {
    const c = protobufSdkClient(server.wsUrl, { token: await connectionToken(user) });
    clients.push(c);
    return connectedClient(c);
  }

  async function publishStates(channel: string, from: number, to: number, note?: string): Promise<void> {
    for (let n = from; n <= to; n++) await manager.publish(channel, state(n, note));
  }

  beforeAll(async () => {
    server = await startApp({
      auth: { jwt: { secret: TEST_SECRET } },
      namespaces: {
        state: { allowedDeltaTypes: ['fossil'], historySize: 100, historyTtl: 300, allowPublishForSubscriber: true },
        plain: { historySize: 100, historyTtl: 300 },
      },
    });
    manager = server.app.get(StreamingManager);
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.disconnect();
    for (const s of sockets.splice(0)) s.ws.terminate();
  });
  afterAll(() => server.close());

  it('sends JSON subscribers deltas that decode to every publication, in order', async () => {
    const alice = await json('alice');
    const sub = await subscribed(alice, 'state:json', { delta: 'fossil' });
    const got = collect<any>(sub, 'publication', 6);
    await publishStates('state:json', 1, 6);
    expect((await got).map((p) => p.data)).toEqual([1, 2, 3, 4, 5, 6].map((n) => state(n)));
    const stats = sub.deltaStats();
    expect(stats.numFullPayloads).toBe(1);
    expect(stats.numDeltaPayloads).toBe(5);
    expect(stats.bytesReceived).toBeLessThan(stats.bytesDecoded / 3);
  });

  it('sends protobuf subscribers binary deltas of the same JSON text', async () => {
    const bob = await protobuf('bob');
    const sub = await subscribed(bob, 'state:protobuf', { delta: 'fossil' });
    const got = collect<any>(sub, 'publication', 4);
    await publishStates('state:protobuf', 1, 4);
    expect((await got).map((p) => parse(p.data))).toEqual([1, 2, 3, 4].map((n) => state(n)));
    expect(sub.deltaStats().numDeltaPayloads).toBe(3);
  });

  it('serves delta and plain subscribers of one channel, each with its own form', async () => {
    const [alice, bob, carol] = await Promise.all([json('alice'), json('bob'), protobuf('carol')]);
    const withDelta = await subscribed(alice, 'state:mixed', { delta: 'fossil' });
    const plain = await subscribed(bob, 'state:mixed');
    const binary = await subscribed(carol, 'state:mixed', { delta: 'fossil' });
    const got = [collect<any>(withDelta, 'publication', 3), collect<any>(plain, 'publication', 3), collect<any>(binary, 'publication', 3)];
    await publishStates('state:mixed', 1, 3);
    const [a, b, c] = await Promise.all(got);
    const expected = [1, 2, 3].map((n) => state(n));
    expect(a!.map((p) => p.data)).toEqual(expected);
    expect(b!.map((p) => p.data)).toEqual(expected);
    expect(c!.map((p) => parse(p.data))).toEqual(expected);
    expect(withDelta.deltaStats().numDeltaPayloads).toBe(2);
  });

  it('grants no delta where the namespace does not allow it: plain data, nothing to decode', async () => {
    const raw = await RawClient.connected(server.wsUrl, await connectionToken('dave'));
    sockets.push(raw);
    raw.command({ id: 2, subscribe: { channel: 'plain:x', delta: 'fossil' } });
    expect((await raw.reply(2)).subscribe.delta).toBeUndefined();
    await manager.publish('plain:x', state(1));
    const push = await raw.waitFor((m) => m.push?.pub);
    expect(push.push.pub.data).toEqual(state(1));
  });

  it('disconnects a client asking for a delta type no server knows (3501)', async () => {
    const raw = await RawClient.connected(server.wsUrl, await connectionToken('erin'));
    sockets.push(raw);
    raw.command({ id: 2, subscribe: { channel: 'state:x', delta: 'bsdiff' } });
    expect((await raw.closed).code).toBe(3501);
  });

  it('starts each subscriber from full data, whatever the channel sent before it came', async () => {
    const alice = await json('alice');
    const early = await subscribed(alice, 'state:late', { delta: 'fossil' });
    const first = collect<any>(early, 'publication', 2);
    await publishStates('state:late', 1, 2);
    await first;
    const bob = await json('bob');
    const late = await subscribed(bob, 'state:late', { delta: 'fossil' });
    const got = collect<any>(late, 'publication', 2);
    await publishStates('state:late', 3, 4);
    expect((await got).map((p) => p.data)).toEqual([state(3), state(4)]);
    expect(late.deltaStats()).toMatchObject({ numFullPayloads: 1, numDeltaPayloads: 1 });
  });

  it('recovers missed publications as full data and goes on with deltas after', async () => {
    const raw = await RawClient.connected(server.wsUrl, await connectionToken('frank'));
    sockets.push(raw);
    const position = await manager.publish('state:recover', state(1));
    await publishStates('state:recover', 2, 3);
    raw.command({ id: 2, subscribe: { channel: 'state:recover', delta: 'fossil', recoverable: true, recover: true, offset: position!.offset, epoch: position!.epoch } });
    const { subscribe } = await raw.reply(2);
    expect(subscribe).toMatchObject({ delta: true, recovered: true });
    expect(subscribe.publications.map((p: { data: string }) => JSON.parse(p.data))).toEqual([state(2), state(3)]);
    await publishStates('state:recover', 4, 5);
    await raw.waitFor((m) => m.push?.pub?.delta === true);
    const pubs = raw.messages.filter((m) => m.push?.pub).map((m) => m.push.pub);
    expect(pubs[0].delta).toBeUndefined();
    expect(JSON.parse(pubs[0].data)).toEqual(state(4));
  });

  it('keeps non-ASCII data intact, falling back to full data when a delta would cut a character', async () => {
    const alice = await json('alice');
    const sub = await subscribed(alice, 'state:emoji', { delta: 'fossil' });
    const notes = ['🙂 café', '🙃 naïve', '日本語テキスト', '🙂 café'];
    const got = collect<any>(sub, 'publication', notes.length);
    for (const [i, note] of notes.entries()) await manager.publish('state:emoji', state(i, note));
    expect((await got).map((p) => p.data)).toEqual(notes.map((note, i) => state(i, note)));
  });

  it('delivers ephemeral publications to delta subscribers as part of their chain', async () => {
    const alice = await json('alice');
    const sub = await subscribed(alice, 'state:ephemeral', { delta: 'fossil' });
    const got = collect<any>(sub, 'publication', 3);
    await manager.publish('state:ephemeral', state(1));
    await manager.publish('state:ephemeral', state(2), { ephemeral: true });
    await manager.publish('state:ephemeral', state(3));
    expect((await got).map((p) => p.data)).toEqual([state(1), state(2), state(3)]);
  });
});

import { Injectable } from '@nestjs/common';
import type { Centrifuge } from 'centrifuge';
import type { Backend } from '../../lib/backends/backend.interface.js';
import { OnSubscribe, StreamingHandlers, StreamingManager } from '../../lib/index.js';
import { startApp, type TestApp } from '../support/app.js';
import { connectedClient, once, sdkClient } from '../support/centrifuge-client.js';
import { eventually } from '../support/eventually.js';
import { storesOf } from '../support/stores.js';
import { connectionToken, TEST_SECRET } from '../support/tokens.js';

/** Holds every `@OnSubscribe` in `slow:*` until the test lets it go, so a control message lands mid-subscribe. */
class Gate {
  entered!: Promise<void>;
  private enter!: () => void;
  private open!: () => void;
  private opened!: Promise<void>;

  constructor() {
    this.reset();
  }

  reset(): void {
    this.entered = new Promise((resolve) => (this.enter = resolve));
    this.opened = new Promise((resolve) => (this.open = resolve));
  }

  async pass(): Promise<void> {
    this.enter();
    await this.opened;
  }

  release(): void {
    this.open();
  }
}

const gate = new Gate();

/** Holds the presence store's `add` for `channel` (the real store still answers) until released. */
function holdPresenceAdd(backend: Backend, channel: string): Gate & { restore(): void } {
  const held = new Gate();
  const original = backend.presence.add;
  backend.presence.add = async (ch, info) => {
    if (ch === channel) await held.pass();
    return original.call(backend.presence, ch, info);
  };
  return Object.assign(held, { restore: () => (backend.presence.add = original) });
}

@StreamingHandlers()
@Injectable()
class SlowSubscribe {
  @OnSubscribe('slow:*')
  async hold() {
    await gate.pass();
  }
}

describe('control messages run on the session command chain', () => {
  let server: TestApp;
  let manager: StreamingManager;
  let client: Centrifuge;

  beforeAll(async () => {
    server = await startApp(
      { auth: { jwt: { secret: TEST_SECRET } }, namespaces: { slow: { presence: true, joinLeave: true }, room: { presence: true } } },
      [SlowSubscribe],
    );
    manager = server.app.get(StreamingManager);
  });

  beforeEach(async () => {
    gate.reset();
    client = await connectedClient(sdkClient(server.wsUrl, { token: await connectionToken('alice') }));
  });

  afterEach(() => client.disconnect());
  afterAll(() => server.close());

  it('a server unsubscribe during a pending subscribe answers the subscribe, then unsubscribes, leaving no presence', async () => {
    const sub = client.newSubscription('slow:room');
    const events: string[] = [];
    sub.on('subscribed', () => events.push('subscribed'));
    const unsubscribed = once<{ code: number }>(sub, 'unsubscribed');
    sub.subscribe();
    await gate.entered;
    await manager.unsubscribe('alice', 'slow:room');
    gate.release();
    const { code } = await unsubscribed;
    expect(code).toBe(2000);
    expect(events).toEqual(['subscribed']);
    await eventually(async () => expect(await manager.presence('slow:room')).toEqual({}));
    expect(await manager.presenceStats('slow:room')).toEqual({ numClients: 0, numUsers: 0 });
  });

  it('a server unsubscribe while the presence store is adding the subscriber leaves no ghost entry', async () => {
    const held = holdPresenceAdd(storesOf(server.app), 'room:held');
    try {
      const sub = client.newSubscription('room:held');
      const events: string[] = [];
      sub.on('subscribed', () => events.push('subscribed'));
      const unsubscribed = once<{ code: number }>(sub, 'unsubscribed');
      sub.subscribe();
      await held.entered;
      await manager.unsubscribe('alice', 'room:held');
      held.release();
      expect((await unsubscribed).code).toBe(2000);
      expect(events).toEqual(['subscribed']);
      await eventually(async () => expect(await manager.presence('room:held')).toEqual({}));
      expect(await manager.presenceStats('room:held')).toEqual({ numClients: 0, numUsers: 0 });
    } finally {
      held.restore();
    }
  });

  it('a server subscribe during a pending subscribe is announced after the subscribe reply', async () => {
    const sub = client.newSubscription('slow:a');
    const order: string[] = [];
    sub.on('subscribed', () => order.push('slow:a'));
    client.on('subscribed', (ctx) => order.push(`server ${ctx.channel}`));
    sub.subscribe();
    await gate.entered;
    await manager.subscribe('alice', 'plain');
    gate.release();
    await eventually(() => expect(order).toEqual(['slow:a', 'server plain']));
  });

  it('a server disconnect during a pending subscribe closes the connection after the subscribe reply', async () => {
    const sub = client.newSubscription('slow:b');
    const order: string[] = [];
    sub.on('subscribed', () => order.push('subscribed'));
    const disconnected = once<{ code: number }>(client, 'disconnected');
    client.on('disconnected', () => order.push('disconnected'));
    sub.subscribe();
    await gate.entered;
    await manager.disconnect('alice');
    gate.release();
    expect((await disconnected).code).toBe(3503);
    expect(order).toEqual(['subscribed', 'disconnected']);
    await eventually(async () => expect(await manager.presence('slow:b')).toEqual({}));
  });
});

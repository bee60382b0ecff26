import { Injectable } from '@nestjs/common';
import { OnConnect, StreamingBody, StreamingHandlers, StreamingManager, type Authenticator, type ConnectCredentials, type Identity } from '../../lib/index.js';
import { startApp, type TestApp } from '../support/app.js';
import { once, sdkClient } from '../support/centrifuge-client.js';
import { RawClient } from '../support/raw-client.js';

/** A promise the test settles: what an authenticator or hook waits on that never answers by itself. */
class Gate {
  private release!: () => void;
  readonly passed = new Promise<void>((resolve) => (this.release = resolve));
  open(): void {
    this.release();
  }
}

/** The app's own code is stuck, as behind a JWKS endpoint or a user service that never answers. */
let gate: Gate;
type Stuck = 'authenticator' | '@OnConnect';
const stuckIn = (data: unknown) => (data as { stuck?: Stuck } | undefined)?.stuck;

/** Connects whose data says `stuck: 'authenticator'` wait for the gate. */
class HangingAuthenticator implements Authenticator {
  async authenticate({ data }: ConnectCredentials): Promise<Identity> {
    if (stuckIn(data) === 'authenticator') await gate.passed;
    return { user: 'nora' };
  }
}

@StreamingHandlers()
@Injectable()
class HangingConnectHandlers {
  @OnConnect()
  async onConnect(@StreamingBody() data: unknown) {
    if (stuckIn(data) === '@OnConnect') await gate.passed;
    return { data: { welcome: true } };
  }
}

const options = {
  auth: { authenticator: { useFactory: () => new HangingAuthenticator() } },
  websocket: { connectHandlingTimeout: 0.3, connectTimeout: 0.6 },
};

/** A connect that never finishes (issue 13's connect deadline pauses while one is handled). */
describe('connect handling timeout', () => {
  let server: TestApp;
  beforeEach(() => {
    gate = new Gate();
  });
  afterEach(async () => {
    gate.open();
    await server?.close();
  });

  /** Lets the continuations of whatever the opened gate released run before the test looks. */
  const drained = () => new Promise((resolve) => setImmediate(resolve));

  async function rawConnectAfterBound(stuck: Stuck): Promise<RawClient> {
    const raw = await RawClient.open(server.wsUrl);
    const sentAt = Date.now();
    raw.command({ id: 1, connect: { data: { stuck } } });
    expect(await raw.reply(1, 2000)).toEqual({ id: 1, error: { code: 100, message: 'internal server error', temporary: true } });
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(250);
    return raw;
  }

  async function lateResultDropped(raw: RawClient): Promise<void> {
    gate.open();
    await drained();
    expect(server.app.get(StreamingManager).stats()).toMatchObject({ numClients: 0, numUsers: 0 });
    // The refused socket is then closed like any other refused one, and never got a connect result.
    expect(await raw.closeCode(2000)).toBe(3502);
    expect(raw.messages.filter((m) => m.connect !== undefined)).toEqual([]);
  }

  it('answers a raw connect stuck in the authenticator with 100 temporary, and drops the late identity', async () => {
    server = await startApp(options);
    await lateResultDropped(await rawConnectAfterBound('authenticator'));
  });

  it('answers a raw connect stuck in @OnConnect with 100 temporary, and drops the late hook result', async () => {
    server = await startApp(options, [HangingConnectHandlers]);
    await lateResultDropped(await rawConnectAfterBound('@OnConnect'));
  });

  it.each<[Stuck]>([['authenticator'], ['@OnConnect']])('lets the SDK retry a connect stuck in the %s, and connect once it answers', async (stuck) => {
    server = await startApp(options, [HangingConnectHandlers]);
    // The SDK's own timeout is far longer than the bound: only the server's answer can end the wait.
    const client = sdkClient(server.wsUrl, { timeout: 20_000, data: { stuck } });
    try {
      const error = once<{ type: string; error: { code: number; temporary?: boolean } }>(client, 'error', 3000);
      client.connect();
      expect(await error).toMatchObject({ type: 'connect', error: { code: 100, temporary: true } });
      // The app recovers: one of the SDK's next attempts goes through, and only that one counts.
      const connected = once<{ data: unknown }>(client, 'connected', 3000);
      gate.open();
      expect((await connected).data).toEqual({ welcome: true });
      await drained();
      expect(server.app.get(StreamingManager).stats()).toMatchObject({ numClients: 1, numUsers: 1 });
    } finally {
      client.disconnect();
    }
  });
});

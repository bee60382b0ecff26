import WebSocket from 'ws';
import { StreamingManager, type DeliveryOptions } from '../../lib/index.js';
import { startApp, type TestApp } from '../support/app.js';
import { connectedClient, once, sdkClient, subscribed } from '../support/centrifuge-client.js';
import { RawClient } from '../support/raw-client.js';

const CHANNEL = 'feed';
const LARGE = 'compressible '.repeat(5000);

function start(delivery: DeliveryOptions = {}) {
  return startApp({
    auth: { anonymous: true },
    channel: { allowSubscribeForAnonymous: true, allowPublishForSubscriber: true, allowPublishForAnonymous: true },
    websocket: { maxMessageSize: 256 * 1024 },
    delivery,
  });
}

const subscriber = (server: TestApp) => RawClient.subscriber(server.wsUrl, { channel: CHANNEL });

/** Bytes this client's TCP socket has read: what actually crossed the wire. */
const wireBytes = (raw: RawClient): number => (raw.ws as unknown as { _socket: { bytesRead: number } })._socket.bytesRead;

/** What crossed the wire for one publication of `text`, once the client has it. */
async function wireCost(server: TestApp, raw: RawClient, text: string): Promise<number> {
  const before = wireBytes(raw);
  await server.app.get(StreamingManager).publish(CHANNEL, { text });
  const got = await raw.waitFor((m) => m.push?.pub?.data.text === text);
  expect(got.push.pub.data.text).toBe(text);
  return wireBytes(raw) - before;
}

/** permessage-deflate (issue 11): negotiated with a compressing client, off by default. */
describe('compression', () => {
  it('compresses frames above the threshold for a client that offers permessage-deflate, without context takeover', async () => {
    const server = await start({ compression: { threshold: 1024 } });
    try {
      // ws offers permessage-deflate by default, as browsers do.
      const raw = await subscriber(server);
      expect(raw.ws.extensions).toBe('permessage-deflate');
      const negotiated = (raw.ws as unknown as { _extensions: Record<string, { params: object }> })._extensions['permessage-deflate']!.params;
      expect(negotiated).toMatchObject({ server_no_context_takeover: true, client_no_context_takeover: true, server_max_window_bits: 11 });
      expect(await wireCost(server, raw, LARGE)).toBeLessThan(LARGE.length / 10);
      // Under the threshold the frame is sent as it is.
      const small = 'a'.repeat(600);
      expect(await wireCost(server, raw, small)).toBeGreaterThan(small.length);
      raw.ws.terminate();
    } finally {
      await server.close();
    }
  });

  it('is off by default: nothing is negotiated and frames go uncompressed', async () => {
    const server = await start();
    try {
      const raw = await subscriber(server);
      expect(raw.ws.extensions).toBe('');
      expect(await wireCost(server, raw, LARGE)).toBeGreaterThan(LARGE.length);
      raw.ws.terminate();
    } finally {
      await server.close();
    }
  });

  it('the SDK negotiates it and publishes and receives large publications through it', async () => {
    const server = await start({ compression: true });
    const sockets: WebSocket[] = [];
    class RecordingWebSocket extends WebSocket {
      constructor(...args: ConstructorParameters<typeof WebSocket>) {
        super(...args);
        sockets.push(this);
      }
    }
    const publisher = sdkClient(server.wsUrl, { websocket: RecordingWebSocket });
    const reader = sdkClient(server.wsUrl, { websocket: RecordingWebSocket });
    try {
      await connectedClient(publisher);
      await connectedClient(reader);
      expect(sockets.map((s) => s.extensions.includes('permessage-deflate'))).toEqual([true, true]);
      const pubSub = await subscribed(publisher, CHANNEL);
      const readSub = await subscribed(reader, CHANNEL);
      const received = once<{ data: { text: string } }>(readSub, 'publication');
      const readBefore = (sockets[1] as unknown as { _socket: { bytesRead: number } })._socket.bytesRead;
      await pubSub.publish({ text: LARGE });
      expect((await received).data.text).toBe(LARGE);
      const readBytes = (sockets[1] as unknown as { _socket: { bytesRead: number } })._socket.bytesRead - readBefore;
      expect(readBytes).toBeLessThan(LARGE.length / 10);
    } finally {
      publisher.disconnect();
      reader.disconnect();
      await server.close();
    }
  });
});

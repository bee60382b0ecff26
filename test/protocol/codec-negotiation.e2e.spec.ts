import protobuf from 'protobufjs';
import WebSocket from 'ws';
import { CommandType, ReplyType } from '../../lib/protocol/client-proto.js';
import { startApp, type TestApp } from '../support/app.js';

function firstMessage(ws: WebSocket): Promise<{ data: Buffer; binary: boolean }> {
  return new Promise((resolve, reject) => {
    ws.once('message', (data: Buffer, binary: boolean) => resolve({ data, binary }));
    ws.once('error', reject);
  });
}

const connectFrame = () => Buffer.from(CommandType.encodeDelimited(CommandType.fromObject({ id: 1, connect: {} })).finish());

/** Which codec a socket gets: JSON unless it asks for protobuf (issue 11). */
describe('codec negotiation', () => {
  let server: TestApp;
  beforeAll(async () => {
    server = await startApp({ auth: { anonymous: true } });
  });
  afterAll(() => server.close());

  it('speaks JSON in text frames to a socket that asks for no subprotocol', async () => {
    const ws = new WebSocket(server.wsUrl);
    await new Promise((resolve) => ws.once('open', resolve));
    expect(ws.protocol).toBe('');
    const reply = firstMessage(ws);
    ws.send(JSON.stringify({ id: 1, connect: {} }));
    const { data, binary } = await reply;
    expect(binary).toBe(false);
    expect(JSON.parse(data.toString())).toMatchObject({ id: 1, connect: { client: expect.any(String) } });
    ws.terminate();
  });

  it('speaks protobuf in binary frames with ?format=protobuf, for clients that cannot set a subprotocol', async () => {
    const ws = new WebSocket(`${server.wsUrl}?format=protobuf`);
    await new Promise((resolve) => ws.once('open', resolve));
    const reply = firstMessage(ws);
    ws.send(connectFrame());
    const { data, binary } = await reply;
    expect(binary).toBe(true);
    const decoded = ReplyType.toObject(ReplyType.decodeDelimited(protobuf.Reader.create(data)));
    expect(decoded).toMatchObject({ id: 1, connect: { client: expect.any(String) } });
    ws.terminate();
  });

  it('agrees to no other subprotocol: a client insisting on one gives up', async () => {
    const ws = new WebSocket(server.wsUrl, 'mqtt');
    const error = await new Promise<Error>((resolve) => ws.once('error', resolve));
    expect(error.message).toMatch(/subprotocol/);
  });
});

import { Injectable } from '@nestjs/common';
import type { Centrifuge } from 'centrifuge';
import { Node } from '../../lib/engine/node.js';
import { OnRpc, StreamingBody, StreamingHandlers, StreamingModule } from '../../lib/index.js';
import { startApp, type TestApp } from '../support/app.js';
import { connectedClient, sdkClient } from '../support/centrifuge-client.js';
import { connectionToken, TEST_SECRET } from '../support/tokens.js';

/**
 * A handler provider declared inside StreamingModule, as the module's own RPC methods will be:
 * it injects the module-internal Node, which no app provider can reach.
 */
@StreamingHandlers()
@Injectable()
class ModuleRpc {
  constructor(private readonly node: Node) {}

  @OnRpc('module.echo')
  echo(@StreamingBody() data: unknown) {
    return { node: this.node.id, data };
  }
}

describe('module-internal handler providers', () => {
  let server: TestApp;
  let client: Centrifuge;

  beforeAll(async () => {
    const streaming = StreamingModule.forRoot({ auth: { jwt: { secret: TEST_SECRET } } });
    streaming.providers = [...(streaming.providers ?? []), ModuleRpc];
    server = await startApp({}, [], streaming);
    client = await connectedClient(sdkClient(server.wsUrl, { token: await connectionToken('alice') }));
  });
  afterAll(async () => {
    client.disconnect();
    await server.close();
  });

  it('answers RPCs through the same @OnRpc machinery as app handlers', async () => {
    const node = server.app.get(Node, { strict: false });
    const { data } = await client.rpc('module.echo', { x: 1 });
    expect(data).toEqual({ node: node.id, data: { x: 1 } });
  });
});

import { Controller, Get, Param } from '@nestjs/common';
import type { Centrifuge } from 'centrifuge';
import { StreamingManager, type StreamingModuleOptions } from '../../lib/index.js';
import { startApp, type TestApp } from './app.js';
import { once, sdkClient } from './centrifuge-client.js';
import { eventually } from './eventually.js';
import { connectionToken, TEST_SECRET } from './tokens.js';

export const API_KEY = 'api-key-for-tests';

const options: StreamingModuleOptions = {
  auth: { jwt: { secret: TEST_SECRET }, expiredCloseDelay: 0 },
  namespaces: {
    chat: { presence: true, historySize: 10, historyTtl: 60, forceRecovery: true },
    plain: {},
  },
  api: { key: API_KEY, maxBodySize: 4096 },
};

/** An app route under the same prefix as the server API. */
@Controller('api/users')
class UsersController {
  @Get(':id')
  user(@Param('id') id: string) {
    return { id };
  }
}

export interface ApiResponse {
  status: number;
  text: string;
  json: any;
}

/** A server API call over real HTTP, as Centrifugo's HTTP clients make it. */
export async function postApi(base: string, path: string, body: string | object, headers: Record<string, string> = { 'x-api-key': API_KEY }): Promise<ApiResponse> {
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, text, json };
}

/** The app the server API specs share: namespaces `chat` (presence, history, recovery) and `plain`, and SDK clients to drive. */
export class ApiTestBed {
  server!: TestApp;
  private readonly clients: Centrifuge[] = [];

  async start(): Promise<void> {
    this.server = await startApp(options, [], undefined, { controllers: [UsersController] });
  }

  /** `POST /api/<method>` with the key. */
  call(method: string, params: string | object = {}): Promise<ApiResponse> {
    return postApi(this.server.httpUrl, `/api/${method}`, params);
  }

  async connected(user: string): Promise<Centrifuge> {
    return (await this.connectedWithId(user)).client;
  }

  /** An SDK client of `user` (connection info `{name: user}`), connected, with its client id. */
  async connectedWithId(user: string): Promise<{ client: Centrifuge; id: string }> {
    const client = sdkClient(this.server.wsUrl, { token: await connectionToken(user, { info: { name: user } }) });
    this.clients.push(client);
    const ready = once<{ client: string }>(client, 'connected');
    client.connect();
    return { client, id: (await ready).client };
  }

  /** Disconnects the clients and waits until the server has let go of them, so no test sees another's. */
  async disconnectClients(): Promise<void> {
    for (const c of this.clients.splice(0)) c.disconnect();
    const manager = this.server.app.get(StreamingManager);
    await eventually(() => expect(manager.stats()).toMatchObject({ numClients: 0, numChannels: 0 }));
  }
}

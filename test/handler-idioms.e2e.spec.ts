import { Injectable, UseGuards, ValidationPipe, type CanActivate } from '@nestjs/common';
import { ConnectedSocket, MessageBody, WsException } from '@nestjs/websockets';
import { IsString, Length } from 'class-validator';
import { OnPublish, OnRpc, StreamingBody, StreamingHandlers, StreamingModule, type ClientInfo } from '../lib/index.js';
import { StreamingTestClient, StreamingTestServer } from '../lib/testing/index.js';
import { startFixture } from './fixtures/fixture-process.js';
import { CapturingLogger } from './support/capturing-logger.js';
import { connectionToken, TEST_SECRET } from './support/tokens.js';

class TextDto {
  @IsString()
  @Length(1, 10)
  text!: string;
}

/** A guard in the gateway habit: refuse by throwing WsException. */
@Injectable()
class MembersOnly implements CanActivate {
  canActivate(): boolean {
    throw new WsException('members only');
  }
}

@StreamingHandlers()
@Injectable()
class GatewayHabits {
  @OnPublish('locked:*')
  locked() {
    throw new WsException('not allowed');
  }

  @OnRpc('quota')
  quota() {
    throw new WsException({ code: 1001, message: 'quota used up' });
  }

  @OnRpc('busy')
  busy() {
    throw new WsException({ code: 1002, message: 'try later', temporary: true });
  }

  @OnRpc('badCode')
  badCode() {
    throw new WsException({ code: 'E_NOPE', message: 'nope' });
  }

  @OnRpc('members')
  @UseGuards(MembersOnly)
  members() {
    return 'in';
  }

  @OnRpc('whoami')
  whoami(@ConnectedSocket() socket: ClientInfo, @MessageBody('text') text: string) {
    return { id: socket.id, user: socket.user, text };
  }

  @OnRpc('validated')
  validated(@MessageBody(new ValidationPipe()) body: TextDto, @StreamingBody('text') ours: string) {
    return { text: body.text, ours };
  }
}

describe('@nestjs/websockets idioms on streaming handlers', () => {
  let server: StreamingTestServer;
  let logs: CapturingLogger;
  let alice: StreamingTestClient;

  beforeAll(async () => {
    logs = new CapturingLogger();
    server = await StreamingTestServer.start(
      {
        imports: [StreamingModule.forRoot({ auth: { jwt: { secret: TEST_SECRET } }, namespaces: { locked: { allowPublishForClient: true } } })],
        providers: [GatewayHabits],
      },
      { logger: logs },
    );
    alice = await server.connect('alice');
  });
  beforeEach(() => (logs.lines.length = 0));
  afterAll(() => server.close());

  it('answers WsException(string) with 103 and its message, logged once and not as a fault', async () => {
    const err = await alice.expectError(103, alice.publish('locked:room', { text: 'hi' }));
    expect(err.message).toBe('103 not allowed');
    // Once at most (the refusal's own line, at whatever level refusals go): Nest's fallback filter and our mapping must not add theirs.
    expect(logs.about('not allowed').length).toBeLessThanOrEqual(1);
    expect(logs.lines.filter((l) => l.level === 'error' || l.level === 'warn')).toEqual([]);
  });

  it('answers WsException({ code, message, temporary }) with that code', async () => {
    expect((await alice.expectError(1001, alice.rpc('quota'))).message).toBe('1001 quota used up');
    expect((await alice.expectError(1002, alice.rpc('busy'))).temporary).toBe(true);
    expect(logs.lines.filter((l) => l.level === 'error')).toEqual([]);
  });

  it('answers an unusable code with 103, and warns the developers', async () => {
    expect((await alice.expectError(103, alice.rpc('badCode'))).message).toBe('103 nope');
    expect(logs.lines.filter((l) => l.level === 'warn').map((l) => l.text)).toEqual([expect.stringContaining('"E_NOPE" is not an error code')]);
  });

  it('answers a guard throwing WsException with its message', async () => {
    expect((await alice.expectError(103, alice.rpc('members'))).message).toBe('103 members only');
    expect(logs.lines.filter((l) => l.level === 'error')).toEqual([]);
  });

  it('gives @ConnectedSocket() the client and @MessageBody(property) of @nestjs/websockets the data', async () => {
    expect(await alice.rpc('whoami', { text: 'hey' })).toEqual({ id: alice.id, user: 'alice', text: 'hey' });
  });

  it('runs pipes given to @nestjs/websockets MessageBody, beside StreamingBody', async () => {
    expect(await alice.rpc('validated', { text: 'ok' })).toEqual({ text: 'ok', ours: 'ok' });
    await alice.expectError(107, alice.rpc('validated', { text: '' }));
  });
});

describe('without @nestjs/websockets installed', () => {
  it('starts and serves handlers', async () => {
    const app = await startFixture('plain-app.ts', [], { STREAMING_TEST_BLOCK: '@nestjs/websockets' });
    try {
      const client = await StreamingTestClient.connect(app.url, { token: await connectionToken('alice') });
      expect(await client.rpc('blocked')).toEqual({ websockets: 'not installed' });
      client.disconnect();
    } finally {
      await app.close();
    }
  });
});

import { Injectable, UseGuards } from '@nestjs/common';
import { ChannelGuard, OnRpc, RequireRoles, StreamingHandlers, StreamingModule } from '../../lib/index.js';
import { StreamingTestServer } from '../../lib/testing/index.js';
import { CapturingLogger } from '../support/capturing-logger.js';
import { eventually } from '../support/eventually.js';
import { TEST_SECRET } from '../support/tokens.js';

@StreamingHandlers()
@Injectable()
class FaultyHandlers {
  @OnRpc('boom')
  boom(): never {
    throw new TypeError('boom in a handler');
  }

  @OnRpc('admin')
  @UseGuards(ChannelGuard)
  @RequireRoles('admin')
  admin() {
    return 'ok';
  }
}

/** What a fault and a refusal write to the log (issue 13): one line each, with what a reader needs. */
describe('log lines of faults and refusals', () => {
  let server: StreamingTestServer;
  let logs: CapturingLogger;

  beforeAll(async () => {
    logs = new CapturingLogger();
    const streaming = StreamingModule.forRoot({ auth: { jwt: { secret: TEST_SECRET } }, namespaces: { admin: { allowSubscribeForClient: false } } });
    server = await StreamingTestServer.start({ imports: [streaming], providers: [FaultyHandlers] }, { logger: logs });
  });
  beforeEach(() => (logs.lines.length = 0));
  afterAll(() => server.close());

  it('logs a handler fault once with its stack, at ERROR', async () => {
    const alice = await server.connect('alice');
    await alice.expectError(100, alice.rpc('boom'));
    const stacks = logs.about('TypeError: boom in a handler');
    expect(stacks).toHaveLength(1);
    expect(stacks[0]).toMatchObject({ level: 'error', text: expect.stringContaining('    at ') });
  });

  it("logs a guard's refusal once, at debug, with the reason", async () => {
    const alice = await server.connect('alice');
    await alice.expectError(103, alice.rpc('admin'));
    await eventually(() => expect(logs.about('rpc error 103')).toHaveLength(1));
    expect(logs.about('rpc error 103')[0]).toMatchObject({ level: 'debug', text: expect.stringContaining('Forbidden resource (refused by ChannelGuard: not in role admin)') });
    expect(logs.about('not in role admin')).toHaveLength(1);
  });

  it('names the channel of a refusal, and a summary counts its clients instead of naming one', async () => {
    const alice = await server.connect('alice');
    const bob = await server.connect('bob');
    for (const channel of ['admin:a', 'admin:b', 'admin:c']) await alice.expectError(103, alice.subscribe(channel));
    await bob.expectError(103, bob.subscribe('admin:d'));
    await eventually(() => expect(logs.about('subscribe error 103')).toHaveLength(2), 3000);
    const [first, summary] = logs.about('subscribe error 103').map((l) => l.text);
    expect(first).toMatch(/^client \S+ user "alice": subscribe error 103 permission denied in "admin:a"/);
    expect(summary).toMatch(/^subscribe error 103 permission denied in "admin:d" \(3 more like this from 2 clients in the last \d s\)/);
  });
});

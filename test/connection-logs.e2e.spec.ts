import { ConsoleLogger } from '@nestjs/common';
import { StreamingModule } from '../lib/index.js';
import { StreamingTestServer } from '../lib/testing/index.js';
import { CapturingLogger } from './support/capturing-logger.js';
import { eventually } from './support/eventually.js';
import { TEST_SECRET } from './support/tokens.js';

const streaming = () => StreamingModule.forRoot({ auth: { jwt: { secret: TEST_SECRET } } });

describe('connection log lines', () => {
  it('writes one verbose line when a connection opens and one when it closes, with code, reason and duration', async () => {
    const logs = new CapturingLogger();
    const server = await StreamingTestServer.start({ imports: [streaming()] }, { logger: logs });
    try {
      const alice = await server.connect('alice');
      await eventually(() => expect(logs.about('connection opened')).toHaveLength(1));
      expect(logs.about('connection opened')[0]).toEqual({ level: 'verbose', text: expect.stringMatching(/user "alice".*connection opened over websocket \| Streaming$/) });
      alice.disconnect();
      await eventually(() => expect(logs.about('connection closed')).toHaveLength(1));
      expect(logs.about('connection closed')[0]).toEqual({
        level: 'verbose',
        text: expect.stringMatching(/user "alice".*connection closed: 3000 \S.* after \d+\.\d s \| Streaming$/),
      });
    } finally {
      await server.close();
    }
  });

  it("come out as one JSON object a line with Nest's own ConsoleLogger({ json: true })", async () => {
    const written: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    // Nest's ConsoleLogger writes to stdout: read what it writes, and write nothing.
    process.stdout.write = ((chunk: string | Uint8Array) => written.push(String(chunk)) > 0) as typeof process.stdout.write;
    try {
      const logger = new ConsoleLogger({ json: true, logLevels: ['verbose', 'log'] });
      const server = await StreamingTestServer.start({ imports: [streaming()] }, { logger });
      try {
        await server.connect('bob');
        await eventually(() => expect(written.some((line) => line.includes('connection opened'))).toBe(true));
      } finally {
        await server.close();
      }
    } finally {
      process.stdout.write = write;
    }
    const line = written.find((l) => l.includes('connection opened'))!;
    expect(JSON.parse(line)).toMatchObject({ level: 'verbose', context: 'Streaming', message: expect.stringContaining('user "bob"') });
  });
});

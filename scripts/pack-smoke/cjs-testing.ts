// The testing kit from the tarball in a CommonJS app: `@streaming/nest/testing` through require(esm),
// type-checked (strict, skipLibCheck off) against the declarations the package ships.
import 'reflect-metadata';
import { Injectable } from '@nestjs/common';
import { OnPublish, StreamingBody, StreamingHandlers, StreamingModule } from '@streaming/nest';
import { StreamingTestError, StreamingTestServer, type TestPublication } from '@streaming/nest/testing';

@StreamingHandlers()
@Injectable()
class ShoutHandlers {
  @OnPublish('chat:*')
  shout(@StreamingBody('text') text: string) {
    return { data: { text: text.toUpperCase() } };
  }
}

async function main(): Promise<void> {
  const server = await StreamingTestServer.start(
    {
      imports: [StreamingModule.forRoot({ auth: { jwt: { secret: 'pack-smoke-secret-of-32-bytes-or-more' } }, namespaces: { chat: { allowPublishForSubscriber: true } } })],
      providers: [ShoutHandlers],
    },
    { logger: false },
  );
  try {
    const alice = await server.connect('alice');
    await alice.subscribe('chat:room');
    await alice.publish('chat:room', { text: 'hi' });
    const publication: TestPublication = await alice.nextPublication('chat:room');
    if (JSON.stringify(publication.data) !== JSON.stringify({ text: 'HI' })) throw new Error(`unexpected publication ${JSON.stringify(publication.data)}`);
    const refused: StreamingTestError = await alice.expectError(102, alice.subscribe('nowhere:room'));
    if (!(refused instanceof StreamingTestError)) throw new Error('expectError did not resolve with a StreamingTestError');
  } finally {
    await server.close();
  }
  console.log('pack smoke: the CommonJS app tested a handler with @streaming/nest/testing');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

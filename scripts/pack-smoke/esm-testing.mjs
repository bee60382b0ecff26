// The testing kit from the tarball in an ES module app, in plain JavaScript (type-checked with
// checkJs against the declarations the package ships): a test of the server's own publication.
import 'reflect-metadata';
import { StreamingManager, StreamingModule } from '@streaming/nest';
import { StreamingTestServer } from '@streaming/nest/testing';

const server = await StreamingTestServer.start(
  { imports: [StreamingModule.forRoot({ auth: { anonymous: true }, channel: { allowSubscribeForAnonymous: true } })] },
  { logger: false },
);
try {
  const guest = await server.connect();
  await guest.subscribe('news');
  await server.get(StreamingManager).publish('news', { ok: true });
  const publication = await guest.nextPublication('news');
  if (publication.data?.ok !== true) throw new Error(`unexpected publication ${JSON.stringify(publication.data)}`);
  // Anonymous clients may subscribe, not publish: 103.
  const refused = await guest.expectError(103, () => guest.publish('news', { ok: false }));
  if (refused.code !== 103) throw new Error(`unexpected error ${refused.message}`);
} finally {
  await server.close();
}
console.log('pack smoke: the ES module app tested the server with @streaming/nest/testing');

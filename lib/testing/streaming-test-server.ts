import { ConsoleLogger, type INestApplication, type LoggerService, type LogLevel, type ModuleMetadata, type Type } from '@nestjs/common';
import type { TestingModuleBuilder } from '@nestjs/testing';
import type { AddressInfo } from 'node:net';
import { StreamingTokens, type ConnectionTokenOptions } from '../auth/streaming-tokens.js';
import type { ResolvedStreamingOptions } from '../options/resolve-options.js';
import { STREAMING_OPTIONS } from '../streaming.constants.js';
import { StreamingTestClient, type TestClientOptions } from './streaming-test-client.js';
import { testingPeers } from './testing-peers.js';

export interface TestServerOptions {
  /** Nest's logger for the app: `false` silences it. Default: errors and warnings only. */
  logger?: LoggerService | LogLevel[] | false;
}

/** How `connect` makes a test user's connection: token claims, or a token of your own, and the client's options. */
export interface TestConnectOptions extends ConnectionTokenOptions, TestClientOptions {}

/**
 * A Nest app with the streaming endpoint on a free port of 127.0.0.1, built as a Nest testing
 * module (so `overrideProvider` works), and test clients connected to it as any user.
 */
export class StreamingTestServer {
  private readonly clients = new Set<StreamingTestClient>();

  private constructor(
    readonly app: INestApplication,
    /** The app's HTTP address, `http://127.0.0.1:<port>`. */
    readonly httpUrl: string,
    /** The endpoint's URL, `ws://127.0.0.1:<port>/connection/websocket` with the configured path. */
    readonly url: string,
  ) {}

  /**
   * Compiles `module` (the metadata of a testing module that imports `StreamingModule`, or a
   * `Test.createTestingModule(...)` builder with its overrides) and listens on a free port.
   */
  static async start(module: ModuleMetadata | TestingModuleBuilder, options: TestServerOptions = {}): Promise<StreamingTestServer> {
    const builder = isBuilder(module) ? module : (await testingPeers()).Test.createTestingModule(module);
    const moduleRef = await builder.compile();
    return StreamingTestServer.listen(moduleRef.createNestApplication({ logger: appLogger(options.logger ?? ['error', 'warn']) }));
  }

  /** Listens with an app you created (your own bootstrap: static assets, adapters, global pipes) on a free port. */
  static async listen(app: INestApplication): Promise<StreamingTestServer> {
    try {
      const options = findStreamingOptions(app);
      await app.listen(0, '127.0.0.1');
      const { port } = app.getHttpServer().address() as AddressInfo;
      return new StreamingTestServer(app, `http://127.0.0.1:${port}`, `ws://127.0.0.1:${port}${options.websocket.path}`);
    } catch (err) {
      await app.close();
      throw err;
    }
  }

  /** Mints tokens with the module's key, as `connect` does. */
  get tokens(): StreamingTokens {
    return this.app.get(StreamingTokens, { strict: false });
  }

  /** A provider of the app, as `app.get` finds it anywhere in the module tree. */
  get<T>(type: Type<T> | string | symbol): T {
    return this.app.get(type, { strict: false });
  }

  /**
   * A client connected as `user`, with a connection token the module's key signs (claims from
   * `options`: roles, info, channels...), or `options.token` as given; no user and no token
   * connects anonymously. Rejects with the code when the server refuses the connection.
   */
  async connect(user?: string, options: TestConnectOptions = {}): Promise<StreamingTestClient> {
    const { token, data, headers, timeout, ...claims } = options;
    const connectToken = token ?? (user === undefined ? undefined : await this.tokens.connectionToken(user, claims));
    const client = await StreamingTestClient.connect(this.url, { token: connectToken, data, headers, timeout });
    this.clients.add(client);
    return client;
  }

  /** Disconnects every client `connect` made, then closes the app. */
  async close(): Promise<void> {
    for (const client of this.clients) client.disconnect();
    this.clients.clear();
    await this.app.close();
  }
}

/**
 * Nest applies a list of levels to the logger in place, and after an app with `logger: false`
 * there is none: the list would be ignored. A logger of its own always applies.
 */
function appLogger(logger: LoggerService | LogLevel[] | false): LoggerService | false {
  return Array.isArray(logger) ? new ConsoleLogger({ logLevels: logger }) : logger;
}

function findStreamingOptions(app: INestApplication): ResolvedStreamingOptions {
  try {
    return app.get<ResolvedStreamingOptions>(STREAMING_OPTIONS, { strict: false });
  } catch {
    throw new Error('StreamingTestServer: the app does not import StreamingModule (forRoot or forRootAsync)');
  }
}

function isBuilder(module: ModuleMetadata | TestingModuleBuilder): module is TestingModuleBuilder {
  return typeof (module as TestingModuleBuilder).compile === 'function';
}


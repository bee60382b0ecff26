import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { AuthenticatorHost } from './auth/authenticator-host.js';
import { StreamingTokens } from './auth/streaming-tokens.js';
import { createBackend } from './backends/create-backend.js';
import { ChannelResolver } from './engine/channel-resolver.js';
import { Node } from './engine/node.js';
import { HandlerRegistry } from './handlers/handler-registry.js';
import { StreamingManager } from './manager/streaming-manager.js';
import { resolveOptions, type ResolvedStreamingOptions } from './options/resolve-options.js';
import { PermissionChecker } from './permissions/permission-checker.js';
import { AUTHENTICATOR, BACKEND, HANDLER_HOOKS, STREAMING_OPTIONS } from './streaming.constants.js';
import { STREAMING_MODULE_OPTIONS, StreamingConfigurableModule } from './streaming-module-definition.js';
import { WebSocketTransport } from './transport/websocket.transport.js';

@Module({
  imports: [DiscoveryModule],
  providers: [
    { provide: STREAMING_OPTIONS, useFactory: resolveOptions, inject: [STREAMING_MODULE_OPTIONS] },
    { provide: BACKEND, useFactory: createBackend, inject: [STREAMING_OPTIONS] },
    // Resolves the configured authenticator once options and the app's providers exist.
    { provide: AUTHENTICATOR, useClass: AuthenticatorHost },
    HandlerRegistry,
    { provide: HANDLER_HOOKS, useExisting: HandlerRegistry },
    {
      provide: ChannelResolver,
      useFactory: (o: ResolvedStreamingOptions) => new ChannelResolver(o.channel, o.namespaces, o.maxChannelLength),
      inject: [STREAMING_OPTIONS],
    },
    PermissionChecker,
    Node,
    WebSocketTransport,
    StreamingManager,
    StreamingTokens,
  ],
  exports: [StreamingManager, PermissionChecker, StreamingTokens],
})
export class StreamingModule extends StreamingConfigurableModule {}

/** Marks a class whose decorated methods the registry wires to protocol events. */
export const STREAMING_HANDLERS_METADATA = Symbol('streaming:handlers');
/** The events a method handles, stored on the method function as Nest stores its own method metadata. */
export const HANDLER_BINDINGS_METADATA = Symbol('streaming:handler-bindings');

export type ChannelEventKind = 'subscribe' | 'publish' | 'unsubscribe';
export type ClientEventKind = 'connect' | 'message' | 'disconnect';

export type HandlerBinding =
  | { event: ClientEventKind }
  | { event: ChannelEventKind; pattern: string }
  | { event: 'rpc'; method: string };

export function isHandlerClass(type: Function): boolean {
  return Reflect.getMetadata(STREAMING_HANDLERS_METADATA, type) === true;
}

export function getHandlerBindings(method: Function): readonly HandlerBinding[] {
  return Reflect.getMetadata(HANDLER_BINDINGS_METADATA, method) ?? [];
}

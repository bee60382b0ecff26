/** Marks a class whose decorated methods the registry wires to protocol events. */
export const STREAMING_HANDLERS_METADATA = Symbol('streaming:handlers');
/** Set on the module's own handler classes (typing, presence status...): an app's handler of the same rpc replaces theirs. */
export const BUILT_IN_HANDLERS_METADATA = Symbol('streaming:built-in-handlers');
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

export function isBuiltInHandlerClass(type: Function): boolean {
  return Reflect.getMetadata(BUILT_IN_HANDLERS_METADATA, type) === true;
}

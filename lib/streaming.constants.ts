/** Injection tokens between the module's layers. */
export const STREAMING_OPTIONS = Symbol('STREAMING_OPTIONS');
export const HANDLER_HOOKS = Symbol('HANDLER_HOOKS');
export const AUTHENTICATOR = Symbol('AUTHENTICATOR');
export const BACKEND = Symbol('BACKEND');
export const STREAMING_OBSERVERS = Symbol('STREAMING_OBSERVERS');
export const ENGINE_METER = Symbol('ENGINE_METER');

/**
 * A unidirectional client's connect request (Centrifugo's format: the bare request, not a
 * command) as the session's first command. Nothing at all connects with an empty request: an
 * authenticator reading cookies or headers may still know the user.
 */
export function unidirectionalConnect(text: string | undefined): { frame: Buffer } | { error: string } {
  let request: unknown = {};
  if (text !== undefined && text !== '') {
    try {
      request = JSON.parse(text);
    } catch (err) {
      return { error: `the connect request is not JSON: ${(err as Error).message}` };
    }
  }
  if (typeof request !== 'object' || request === null || Array.isArray(request)) return { error: 'the connect request must be a JSON object' };
  return { frame: Buffer.from(JSON.stringify({ id: 1, connect: request })) };
}

/** Centrifugo's query parameter for a connect request that a GET or an upgrade cannot carry in a body. */
export const CONNECT_PARAM = 'cf_connect';

export function connectParam(url: string | undefined): string | undefined {
  return new URL(url ?? '', 'http://localhost').searchParams.get(CONNECT_PARAM) ?? undefined;
}

/** A request the API cannot take at all: answered with this HTTP status and the reason as text. */
export class ApiRequestError extends Error {
  constructor(
    readonly status: 400 | 401 | 404 | 405 | 413,
    message: string,
  ) {
    super(message);
    this.name = 'ApiRequestError';
  }
}

/** The client closed the request before its body ended. */
export class ApiClientGoneError extends Error {
  constructor() {
    super('the client closed the request before the end of its body');
    this.name = 'ApiClientGoneError';
  }
}

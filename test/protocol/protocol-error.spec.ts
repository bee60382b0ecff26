import { disconnectReconnects, ErrorCode } from '../../lib/protocol/codes.js';
import { DisconnectError, StreamingError } from '../../lib/protocol/protocol-error.js';

describe('StreamingError', () => {
  it("takes the protocol's message for its code, with the detail after it", () => {
    expect(new StreamingError(ErrorCode.PermissionDenied).message).toBe('permission denied');
    expect(StreamingError.of(ErrorCode.NotAvailable, 'history is off').message).toBe('not available: history is off');
    expect(StreamingError.of(ErrorCode.NotAvailable).message).toBe('not available');
    expect(new StreamingError(4000).message).toBe('error');
    expect(new StreamingError(4000, 'custom').message).toBe('custom');
  });

  it('is temporary for the codes the SDK retries (100 internal, 111 too many requests), unless told', () => {
    expect(new StreamingError(ErrorCode.Internal).temporary).toBe(true);
    expect(new StreamingError(ErrorCode.TooManyRequests).temporary).toBe(true);
    expect(new StreamingError(ErrorCode.PermissionDenied).temporary).toBe(false);
    expect(new StreamingError(ErrorCode.Internal, undefined, false).temporary).toBe(false);
    expect(new StreamingError(4001, 'busy', true).temporary).toBe(true);
  });

  it('keeps a log-only detail apart from the message the client gets', () => {
    const err = new StreamingError(ErrorCode.PermissionDenied).withLogDetail('guard said no');
    expect(err.logDetail).toBe('guard said no');
    expect(err.message).toBe('permission denied');
    expect(err.name).toBe('StreamingError');
  });
});

describe('DisconnectError', () => {
  it("sends the protocol's reason and keeps the detail for the log", () => {
    const err = DisconnectError.of(3501, 'malformed JSON');
    expect({ code: err.code, reason: err.reason, detail: err.detail, message: err.message, name: err.name }).toEqual({
      code: 3501,
      reason: 'bad request',
      detail: 'malformed JSON',
      message: 'bad request',
      name: 'DisconnectError',
    });
    expect(new DisconnectError(3005).reason).toBe('connection expired');
    expect(new DisconnectError(4100).reason).toBe('disconnect');
    expect(new DisconnectError(4100, 'app reason').reason).toBe('app reason');
  });
});

describe('disconnectReconnects', () => {
  it.each([
    [3000, true],
    [3499, true],
    [3500, false],
    [3999, false],
    [4000, true],
    [4499, true],
    [4500, false],
    [4999, false],
    [5000, true],
  ])('code %i: reconnect %s', (code, reconnect) => {
    expect(disconnectReconnects(code)).toBe(reconnect);
  });
});

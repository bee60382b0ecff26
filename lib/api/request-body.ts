import type { IncomingMessage } from 'node:http';
import { ApiClientGoneError, ApiRequestError } from './api-request-error.js';

/** Reads a request body up to `limit` bytes; a larger one (declared or sent) is ApiRequestError 413. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    return Promise.reject(new ApiRequestError(413, `body of ${declared} bytes is over the limit of ${limit}`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      req.off('data', onData);
      // Keep draining what is already on its way, so the 413 reaches the client instead of a reset.
      req.resume();
      reject(new ApiRequestError(413, `body is over the limit of ${limit} bytes`));
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
    // A client gone before the end: nothing will come, and nobody is left to answer.
    req.once('close', () => {
      if (!req.complete) reject(new ApiClientGoneError());
    });
  });
}

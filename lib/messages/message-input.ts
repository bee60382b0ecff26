import { ErrorCode } from '../protocol/codes.js';
import { StreamingError } from '../protocol/protocol-error.js';

const MAX_ATTACHMENTS = 10;
const MAX_EMOJI = 32;

function bad(detail: string): StreamingError {
  return StreamingError.of(ErrorCode.BadRequest, detail);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * `data.attachments` of a message: metadata only (the files live elsewhere), each
 * `{ name, size, mime, url }` with an http(s) url; anything else is 107.
 */
export function checkAttachments(data: unknown): void {
  if (!isObject(data) || data.attachments === undefined) return;
  const { attachments } = data;
  if (!Array.isArray(attachments) || attachments.length > MAX_ATTACHMENTS) throw bad(`attachments must be a list of at most ${MAX_ATTACHMENTS}`);
  attachments.forEach((a: unknown, i) => {
    if (!isObject(a)) throw bad(`attachments[${i}] must be an object`);
    const { name, size, mime, url } = a;
    if (typeof name !== 'string' || name === '' || name.length > 255) throw bad(`attachments[${i}].name must be a file name`);
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) throw bad(`attachments[${i}].size must be a byte count`);
    if (typeof mime !== 'string' || !/^[\w.+-]+\/[\w.+-]+$/.test(mime)) throw bad(`attachments[${i}].mime must be a media type`);
    if (typeof url !== 'string' || !/^https?:\/\/\S+$/.test(url)) throw bad(`attachments[${i}].url must be an http(s) URL`);
  });
}

/** The parent id a reply names in `data.thread`, if any. */
export function threadOf(data: unknown): string | undefined {
  if (!isObject(data) || data.thread === undefined) return undefined;
  if (typeof data.thread !== 'string' || data.thread === '') throw bad('thread must be a message id');
  return data.thread;
}

export function checkEmoji(emoji: unknown): string {
  if (typeof emoji !== 'string' || emoji === '' || emoji.length > MAX_EMOJI || /\s/.test(emoji)) throw bad('emoji must be a short text without spaces');
  return emoji;
}

/** An edit's data: fields of an object replace those of the message (its stamps stay); anything else replaces it. */
export function edited(before: unknown, change: unknown): unknown {
  return isObject(before) && isObject(change) ? { ...before, ...change } : change;
}

import { DisconnectCode } from './codes.js';
import type { Codec } from './codec.js';
import { methods, validateRequest } from './command-schema.js';
import type { Command, Method, Push, Reply } from './frames.js';
import { DisconnectError } from './protocol-error.js';

const NEWLINE = Buffer.from('\n');
const MAX_COMMAND_ID = 0xffffffff;
// JSON.stringify recurses; deeper data could overflow the stack when a publication is encoded.
export const MAX_JSON_DEPTH = 100;

export function deeperThan(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth > max) return true;
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
}

function badRequest(detail: string): DisconnectError {
  return DisconnectError.of(DisconnectCode.BadRequest, detail);
}

/** Centrifugo's JSON protocol: newline-delimited JSON objects, `data` carried as raw JSON. */
export class JsonCodec implements Codec {
  readonly name = 'json' as const;
  readonly binary = false;
  readonly ping = Buffer.from('{}');

  decode(frame: Buffer): Command[] {
    const commands: Command[] = [];
    for (const line of frame.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      commands.push(this.decodeOne(line));
    }
    if (commands.length === 0) throw badRequest('empty frame');
    return commands;
  }

  private decodeOne(line: string): Command {
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      throw badRequest('malformed JSON');
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw badRequest('command must be an object');
    // Nesting past the limit needs at least two brackets per level, so short lines skip the walk.
    if (line.length > 2 * MAX_JSON_DEPTH && deeperThan(raw, MAX_JSON_DEPTH)) throw badRequest(`JSON nested deeper than ${MAX_JSON_DEPTH}`);
    const obj = raw as Record<string, unknown>;
    const id = obj.id ?? 0;
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id > MAX_COMMAND_ID) {
      throw badRequest('command id must be a non-negative integer');
    }
    const present = methods.filter((m) => obj[m] !== undefined && obj[m] !== null);
    if (present.length === 0) {
      if (id === 0) return { id: 0, method: 'pong', request: {} };
      throw badRequest('unknown command');
    }
    if (present.length > 1) throw badRequest('more than one method in a command');
    const method = present[0] as Method;
    if (id === 0 && method !== 'send') throw badRequest(`${method} without id`);
    const request = validateRequest(method, obj[method]);
    if (typeof request === 'string') throw badRequest(request);
    return { id, method, request } as Command;
  }

  encodeReply(reply: Reply): Buffer {
    return Buffer.from(JSON.stringify(reply));
  }

  encodePush(push: Push): Buffer {
    return Buffer.from(JSON.stringify({ push }));
  }

  join(messages: Buffer[]): Buffer {
    if (messages.length === 1) return messages[0]!;
    const parts: Buffer[] = [];
    for (const m of messages) {
      if (parts.length > 0) parts.push(NEWLINE);
      parts.push(m);
    }
    return Buffer.concat(parts);
  }
}

/** Seeded random frames for the fuzz test: plausible commands, mutated ones and garbage. */

/** mulberry32: small, fast and good enough to make a run reproducible from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FrameGenerator {
  private nextId = 1;

  constructor(
    private readonly random: () => number,
    private readonly channels: string[],
    private readonly tokens: string[],
  ) {}

  private int(n: number): number {
    return Math.floor(this.random() * n);
  }

  private pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  private chance(p: number): boolean {
    return this.random() < p;
  }

  /** Any JSON value, small, with the occasional oddity. */
  value(depth = 0): unknown {
    switch (this.int(depth > 2 ? 6 : 8)) {
      case 0:
        return this.pick([0, -1, 1.5, 2 ** 53, -(2 ** 63), 1e308, Number.MAX_SAFE_INTEGER]);
      case 1:
        return this.pick(['', 'text', '\u0000', '\u202e', '😀', 'a'.repeat(this.int(3000)), '{"id":1}']);
      case 2:
        return null;
      case 3:
        return this.chance(0.5);
      case 4:
        return this.pick(this.channels);
      case 5:
        return { text: this.pick(['hi', '', '\n']) };
      case 6:
        return Array.from({ length: this.int(4) }, () => this.value(depth + 1));
      default:
        return Object.fromEntries(Array.from({ length: this.int(4) }, (_, i) => [`k${i}`, this.value(depth + 1)]));
    }
  }

  /** A command as the protocol has it, with random but well-typed fields. */
  command(): Record<string, unknown> {
    const id = this.nextId++;
    const channel = this.pick(this.channels);
    switch (this.int(12)) {
      case 0:
        return { id, connect: this.chance(0.7) ? { token: this.pick(this.tokens) } : {} };
      case 1:
        return { id, subscribe: { channel, ...(this.chance(0.3) ? { recover: true, offset: this.int(20), epoch: 'x' } : {}) } };
      case 2:
        return { id, unsubscribe: { channel } };
      case 3:
        return { id, publish: { channel, data: this.value() } };
      case 4:
        return { id, presence: { channel } };
      case 5:
        return { id, presence_stats: { channel } };
      case 6:
        return {
          id,
          history: { channel, limit: this.pick([-1, 0, 1, 10, 1e9]), reverse: this.chance(0.5), ...(this.chance(0.3) ? { since: { offset: this.int(5), epoch: '' } } : {}) },
        };
      case 7:
        return { id, rpc: { method: this.pick(['echo', 'nothing', '', 'a'.repeat(300)]), data: this.value() } };
      case 8:
        return { id, send: { data: this.value() } };
      case 9:
        return { id, refresh: { token: this.pick(this.tokens) } };
      case 10:
        return { id, sub_refresh: { channel, token: this.pick(this.tokens) } };
      default:
        return { id, subscribe: { channel, token: this.pick(this.tokens) } };
    }
  }

  /** A command with one field changed to a wrong type, dropped, or an unknown one added. */
  private mutated(): string {
    const cmd = this.command();
    const method = Object.keys(cmd).find((k) => k !== 'id')!;
    const body = cmd[method] as Record<string, unknown>;
    const keys = Object.keys(body);
    switch (this.int(5)) {
      case 0:
        if (keys.length) body[this.pick(keys)] = this.value();
        break;
      case 1:
        if (keys.length) delete body[this.pick(keys)];
        break;
      case 2:
        cmd.id = this.value();
        break;
      case 3:
        body[`extra${this.int(9)}`] = this.value();
        break;
      default:
        cmd[method] = this.value();
    }
    return JSON.stringify(cmd);
  }

  /** Many subscribes in one frame, to fresh channels and to the given ones: channel limit, rate limit and command queue at once. */
  private subscribeFlood(): string {
    return Array.from({ length: 20 + this.int(100) }, (_, i) => {
      const channel = this.chance(0.8) ? `chat:flood-${this.int(1000)}-${i}` : this.pick(this.channels);
      return JSON.stringify({ id: this.nextId++, subscribe: { channel } });
    }).join('\n');
  }

  /** Commands in an order the protocol forbids or never expects: connect last or twice, a stray pong, a reused id. */
  private outOfOrder(): string {
    const commands = [JSON.stringify({ id: this.nextId, connect: {} }), '{}', JSON.stringify(this.command()), JSON.stringify(this.command())];
    for (let i = commands.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [commands[i], commands[j]] = [commands[j]!, commands[i]!];
    }
    return commands.join('\n');
  }

  /** A frame: mostly plausible commands (so the engine, not only the parser, is exercised), some hostile. */
  frame(): string | Buffer {
    const roll = this.random();
    if (roll < 0.6) return JSON.stringify(this.command());
    if (roll < 0.7) return Array.from({ length: 1 + this.int(5) }, () => JSON.stringify(this.command())).join('\n');
    if (roll < 0.8) return this.mutated();
    const json = JSON.stringify(this.command());
    switch (this.int(9)) {
      case 0:
        return json.slice(0, this.int(json.length));
      case 1: {
        const bytes = Buffer.from(json);
        for (let i = 0; i < 3; i++) bytes[this.int(bytes.length)] = this.int(256);
        return bytes;
      }
      case 2:
        return Buffer.from(Array.from({ length: 1 + this.int(200) }, () => this.int(256)));
      case 3: {
        const depth = 50 + this.int(2000);
        return `{"id":1,"publish":{"channel":"chat:a","data":${'['.repeat(depth)}${']'.repeat(depth)}}}`;
      }
      case 4:
        return JSON.stringify({ id: 1, publish: { channel: 'chat:a', data: 'x'.repeat(40_000 + this.int(60_000)) } });
      case 5:
        return `${json}\n\n${json}`;
      case 6:
        return this.subscribeFlood();
      case 7:
        return this.outOfOrder();
      default:
        return this.pick(['', '{}', '[]', 'null', '"str"', '{"id":1}', '\n', '{"id":1,"connect":{}}'.repeat(3)]);
    }
  }
}

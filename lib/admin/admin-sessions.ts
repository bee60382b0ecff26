import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const ADMIN_COOKIE = 'streaming_admin';

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * Password sessions of the dashboard, without server state: the cookie is `<expiry>.<nonce>.<mac>`,
 * signed with a key derived from the password. Every node with the same password accepts the
 * others' cookies (no sticky sessions needed), and changing the password ends every session.
 */
export class AdminSessions {
  private readonly key: Buffer;
  private readonly password: Buffer;

  constructor(
    password: string,
    private readonly ttlSeconds: number,
    private readonly now: () => number = Date.now,
  ) {
    this.key = createHmac('sha256', password).update('streaming admin session').digest();
    this.password = digest(password);
  }

  /** Compares digests in constant time, so the answer's timing says nothing of the password. */
  passwordMatches(given: unknown): boolean {
    return typeof given === 'string' && timingSafeEqual(digest(given), this.password);
  }

  /** A new session cookie value. */
  issue(): string {
    const body = `${Math.floor(this.now() / 1000) + this.ttlSeconds}.${randomBytes(12).toString('base64url')}`;
    return `${body}.${this.mac(body)}`;
  }

  /** Whether the cookie value is one this password signed and it has not expired. */
  valid(value: string | undefined): boolean {
    if (value === undefined) return false;
    const cut = value.lastIndexOf('.');
    if (cut < 0) return false;
    const body = value.slice(0, cut);
    const given = Buffer.from(value.slice(cut + 1));
    const expected = Buffer.from(this.mac(body));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false;
    const expiry = Number(body.split('.', 1)[0]);
    return Number.isInteger(expiry) && expiry * 1000 > this.now();
  }

  private mac(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}

/** The value of cookie `name` in a `Cookie` header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

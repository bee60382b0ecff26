import { AdminSessions, cookieValue } from '../../lib/admin/admin-sessions.js';

describe('AdminSessions', () => {
  let now = 1_000_000;
  const clock = () => now;

  it('accepts its own cookie until it expires', () => {
    const sessions = new AdminSessions('a long admin password', 60, clock);
    const cookie = sessions.issue();
    expect(sessions.valid(cookie)).toBe(true);
    now += 59_000;
    expect(sessions.valid(cookie)).toBe(true);
    now += 1_000;
    expect(sessions.valid(cookie)).toBe(false);
  });

  it("accepts another node's cookie with the same password, not one signed with another password", () => {
    const a = new AdminSessions('a long admin password', 60, clock);
    const b = new AdminSessions('a long admin password', 60, clock);
    const other = new AdminSessions('another long password', 60, clock);
    expect(b.valid(a.issue())).toBe(true);
    expect(other.valid(a.issue())).toBe(false);
  });

  it('refuses tampered, truncated and missing cookies', () => {
    const sessions = new AdminSessions('a long admin password', 60, clock);
    const cookie = sessions.issue();
    const [expiry, nonce, mac] = cookie.split('.');
    expect(sessions.valid(`${Number(expiry) + 3600}.${nonce}.${mac}`)).toBe(false);
    expect(sessions.valid(`${expiry}.${nonce}.${mac!.slice(1)}`)).toBe(false);
    expect(sessions.valid(`${expiry}.${nonce}`)).toBe(false);
    expect(sessions.valid('nodot')).toBe(false);
    expect(sessions.valid(undefined)).toBe(false);
  });

  it('matches the password exactly', () => {
    const sessions = new AdminSessions('a long admin password', 60, clock);
    expect(sessions.passwordMatches('a long admin password')).toBe(true);
    expect(sessions.passwordMatches('a long admin passwor')).toBe(false);
    expect(sessions.passwordMatches(undefined)).toBe(false);
    expect(sessions.passwordMatches(42)).toBe(false);
  });

  it('reads a cookie out of a Cookie header', () => {
    expect(cookieValue('a=1; streaming_admin=x.y.z; b=2', 'streaming_admin')).toBe('x.y.z');
    expect(cookieValue('streaming_admin_other=1', 'streaming_admin')).toBeUndefined();
    expect(cookieValue(undefined, 'streaming_admin')).toBeUndefined();
  });
});

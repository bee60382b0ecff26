// HS256 connection tokens for the idle scenario's users, signed here rather than through jose: the
// load process mints tens of thousands of them before connecting.
import { createHmac } from 'node:crypto';

export const BENCH_SECRET = 'bench-secret-not-for-production';

const base64url = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
const HEADER = base64url({ alg: 'HS256', typ: 'JWT' });

/** A token for `user`, valid for an hour: the server keeps an expiry per connection, as an app's would. */
export function connectionToken(user) {
  const now = Math.floor(Date.now() / 1000);
  const body = `${HEADER}.${base64url({ sub: user, iat: now, exp: now + 3600 })}`;
  return `${body}.${createHmac('sha256', BENCH_SECRET).update(body).digest('base64url')}`;
}

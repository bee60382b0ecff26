import { SignJWT } from 'jose';

export const TEST_SECRET = 'test-secret-for-streaming-e2e';

/** An HS256 connection token; `expiresIn` in seconds (negative for an expired token). */
export async function connectionToken(
  user: string,
  claims: Record<string, unknown> = {},
  expiresIn = 3600,
  secret = TEST_SECRET,
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(user)
    .setIssuedAt(now)
    .setExpirationTime(now + expiresIn)
    .sign(new TextEncoder().encode(secret));
}

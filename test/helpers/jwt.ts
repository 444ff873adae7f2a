/** Unit-test JWTs: HS256 with a fixed test key (the client never verifies signatures). */
import { SignJWT } from 'jose';

const key = new TextEncoder().encode('unit-test-signing-key-not-a-secret');

export function makeJwt(claims: Record<string, unknown>): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(key);
}

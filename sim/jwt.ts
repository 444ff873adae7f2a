/**
 * RS256 signing for the simulated ICA. One key pair per process: RSA generation
 * costs a noticeable fraction of a second, and test files start many simulators.
 */
import { SignJWT, exportJWK, generateKeyPair, jwtVerify, type JWK, type JWTPayload, type CryptoKey } from 'jose';
import { randomUUID } from 'node:crypto';

interface Signer {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  jwk: JWK;
}

let signerPromise: Promise<Signer> | undefined;

export function signer(): Promise<Signer> {
  signerPromise ??= (async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const kid = `sim-${randomUUID().slice(0, 8)}`;
    const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
    return { kid, privateKey, publicKey, jwk };
  })();
  return signerPromise;
}

export interface TokenClaims {
  sub: string;
  tid: string;
  tns: string;
  gty: 'api_key' | 'password';
  email: string;
}

export async function signToken(claims: TokenClaims, issuer: string, nowSeconds: number, lifetimeSeconds: number): Promise<string> {
  const s = await signer();
  return new SignJWT({ tid: claims.tid, tns: claims.tns, gty: claims.gty, email: claims.email })
    .setProtectedHeader({ alg: 'RS256', kid: s.kid, typ: 'JWT' })
    .setSubject(claims.sub)
    .setAudience(['ica', 'tss'])
    .setIssuer(issuer)
    .setIssuedAt(nowSeconds)
    .setNotBefore(nowSeconds)
    .setExpirationTime(nowSeconds + lifetimeSeconds)
    .setJti(randomUUID())
    .sign(s.privateKey);
}

/** Verifies signature, audience and time claims against the server's (possibly skewed) clock. */
export async function verifyToken(token: string, nowSeconds: number): Promise<JWTPayload> {
  const s = await signer();
  const { payload } = await jwtVerify(token, s.publicKey, {
    algorithms: ['RS256'],
    audience: 'ica',
    currentDate: new Date(nowSeconds * 1000),
  });
  return payload;
}

export function encodeTid(accountId: string, tenantId: string): string {
  return Buffer.from(`${accountId}:${tenantId}`, 'utf8').toString('base64');
}

export function decodeTid(tid: unknown): string | undefined {
  if (typeof tid !== 'string') return undefined;
  const text = Buffer.from(tid, 'base64').toString('utf8');
  const i = text.lastIndexOf(':');
  return i >= 0 ? text.slice(i + 1) : undefined;
}

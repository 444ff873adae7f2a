/**
 * Reads a JWT's claims. The client does not verify the signature: the platform does on
 * every call, and Tessera only needs `exp` (when to replace the token) and a few labels.
 */
import { decodeJwt } from 'jose';
import type { TokenClaims } from '../../src-shared/schemas.js';
import { TesseraError } from '../errors.js';

/** `tid` is base64 of a string ending in `:<tenant-id>`; returns the tenant id, or undefined. */
export function decodeTenantId(tid: unknown): string | undefined {
  if (typeof tid !== 'string' || tid === '') return undefined;
  let text: string;
  try {
    text = Buffer.from(tid.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
  } catch {
    return undefined;
  }
  const colon = text.lastIndexOf(':');
  if (colon < 0) return undefined;
  const id = text.slice(colon + 1).trim();
  // Only a plausible id (not binary noise from a tid that was not base64 after all).
  return /^[\w.-]{1,128}$/.test(id) ? id : undefined;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** ICA's JWTs are one to two KiB; a "token" far larger is not one. */
export const MAX_JWT_LENGTH = 16 * 1024;
/**
 * A compact JWS: header, payload and signature in the base64url alphabet without padding.
 * Nothing else may pass, because the token is printed for shells (`--format env`),
 * sent in headers and stored: a character outside this alphabet is never part of a JWT.
 */
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
/** The furthest expiry accepted: platform tokens live hours; a year covers any tenant setting. */
export const MAX_TOKEN_LIFETIME_SECONDS = 366 * 86_400;

export function isWellFormedJwt(token: string): boolean {
  return token.length <= MAX_JWT_LENGTH && JWT_SHAPE.test(token);
}

/**
 * Decodes the claims. A token that is not a well-formed JWT, or whose `exp` is not a
 * positive whole number of seconds, is MALFORMED_RESPONSE; with `nowMs`, so is an `exp`
 * more than MAX_TOKEN_LIFETIME_SECONDS ahead of it.
 */
export function decodeClaims(token: string, source = 'The platform', nowMs?: number): TokenClaims {
  if (!isWellFormedJwt(token)) throw new TesseraError('MALFORMED_RESPONSE', `${source} returned a token that is not a well-formed JWT`);
  let payload: Record<string, unknown>;
  try {
    payload = decodeJwt(token) as Record<string, unknown>;
  } catch {
    throw new TesseraError('MALFORMED_RESPONSE', `${source} returned a token that is not a readable JWT`);
  }
  const exp = num(payload.exp);
  if (exp === undefined) throw new TesseraError('MALFORMED_RESPONSE', `${source} returned a JWT without an expiry (exp)`);
  if (!Number.isSafeInteger(exp) || exp <= 0 || (nowMs !== undefined && exp > nowMs / 1000 + MAX_TOKEN_LIFETIME_SECONDS)) {
    throw new TesseraError('MALFORMED_RESPONSE', `${source} returned a JWT with an implausible expiry (exp)`);
  }
  const claims: TokenClaims = { exp };
  const iat = num(payload.iat);
  const nbf = num(payload.nbf);
  const sub = text(payload.sub);
  const tns = text(payload.tns);
  const gty = text(payload.gty);
  const tenantId = decodeTenantId(payload.tid);
  if (iat !== undefined) claims.iat = iat;
  if (nbf !== undefined) claims.nbf = nbf;
  if (sub !== undefined) claims.sub = sub;
  if (typeof payload.aud === 'string' || (Array.isArray(payload.aud) && payload.aud.every((a) => typeof a === 'string'))) {
    claims.aud = payload.aud as string | string[];
  }
  if (tenantId !== undefined) claims.tenantId = tenantId;
  if (tns !== undefined) claims.tns = tns;
  if (gty !== undefined) claims.gty = gty;
  return claims;
}

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

/** Decodes the claims; a token that is not a JWT, or has no numeric `exp`, is MALFORMED_RESPONSE. */
export function decodeClaims(token: string, source = 'The platform'): TokenClaims {
  let payload: Record<string, unknown>;
  try {
    payload = decodeJwt(token) as Record<string, unknown>;
  } catch {
    throw new TesseraError('MALFORMED_RESPONSE', `${source} returned a token that is not a readable JWT`);
  }
  const exp = num(payload.exp);
  if (exp === undefined) throw new TesseraError('MALFORMED_RESPONSE', `${source} returned a JWT without an expiry (exp)`);
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

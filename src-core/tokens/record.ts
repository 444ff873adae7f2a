/**
 * The cached token as stored in the SecretStore (`accounts.token(id)`), shared by the
 * desktop app and the CLI so that both reuse one token instead of minting twice.
 * It is a secret (a live JWT), so it lives only in the SecretStore and in memory.
 */
import type { TokenClaims, TokenStatus } from '../../src-shared/schemas.js';
import { isJsonObject } from '../json.js';
import { decodeClaims, MAX_TOKEN_LIFETIME_SECONDS } from './jwt.js';

const TOKEN_RECORD_VERSION = 1;

/** Checked by hand (readRecord below): it is read on every `tessera token`, which must not load zod. */
export interface TokenRecord {
  v: typeof TOKEN_RECORD_VERSION;
  token: string;
  /** Local-clock expiry in ms: `exp` minus the measured skew. */
  expiresAt: number;
  /** Server clock minus local clock, ms, when the token was obtained. */
  skewMs: number;
  grant: 'api-key' | 'basic';
  obtainedAt: number;
  /** The credential (profile.key.storedAt) and ICA host the token came from: a rotated key or a moved host voids it. */
  keyStoredAt: string;
  icaUrl: string;
}

export interface CachedToken extends TokenRecord {
  claims: TokenClaims;
}

/** The record's fields from parsed JSON (unknown fields dropped), or undefined when one is missing or of the wrong kind. */
function readRecord(raw: unknown): TokenRecord | undefined {
  if (!isJsonObject(raw)) return undefined;
  const { v, token, expiresAt, skewMs, grant, obtainedAt, keyStoredAt, icaUrl } = raw;
  const finite = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n);
  if (v !== TOKEN_RECORD_VERSION || typeof token !== 'string' || token === '') return undefined;
  if (!finite(expiresAt) || !finite(skewMs) || !finite(obtainedAt) || (grant !== 'api-key' && grant !== 'basic')) return undefined;
  if (typeof keyStoredAt !== 'string' || typeof icaUrl !== 'string') return undefined;
  return { v, token, expiresAt, skewMs, grant, obtainedAt, keyStoredAt, icaUrl };
}

export function serializeRecord(record: TokenRecord): string {
  const { v, token, expiresAt, skewMs, grant, obtainedAt, keyStoredAt, icaUrl } = record;
  return JSON.stringify({ v, token, expiresAt, skewMs, grant, obtainedAt, keyStoredAt, icaUrl });
}

/**
 * Parses a stored record; undefined when absent, from another version, or unreadable (it
 * is only a cache, so the caller mints anew and overwrites it). The token must pass the
 * same rules as a freshly minted one, and its expiry must be a date within the longest
 * lifetime a token can have: another process of the user may have written the entry.
 */
export function parseRecord(text: string | null, nowMs: number): CachedToken | undefined {
  if (!text) return undefined;
  try {
    const record = readRecord(JSON.parse(text));
    if (!record) return undefined;
    const claims = decodeClaims(record.token, 'The token cache', nowMs);
    if (!(record.expiresAt <= nowMs + MAX_TOKEN_LIFETIME_SECONDS * 1000)) return undefined;
    return { ...record, claims };
  } catch {
    return undefined;
  }
}

/** Local expiry from the token's `exp` (server clock) and the measured skew (server minus local). */
export function localExpiry(exp: number, skewMs: number): number {
  return exp * 1000 - skewMs;
}

export function toStatus(profile: string, record: CachedToken, source: TokenStatus['source']): TokenStatus {
  return {
    profile,
    expiresAt: new Date(record.expiresAt).toISOString(),
    source,
    grant: record.grant,
    claims: record.claims,
    skewSeconds: Math.round(record.skewMs / 1000) || 0, // never -0
  };
}

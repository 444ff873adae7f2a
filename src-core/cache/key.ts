/**
 * The cache key: 32 random bytes per profile, kept in the SecretStore (OS keychain or
 * file vault) under `accounts.cacheKey(profileId)`, base64-encoded. The cache file is
 * useless without it, so losing the keychain entry costs a re-sync and nothing else.
 */
import { randomBytes } from 'node:crypto';
import type { SecretStore } from '../ports.js';
import { accounts } from '../secrets/accounts.js';

const KEY_BYTES = 32;

/** Hex form of a stored key, or null when the entry is missing or not a 256-bit key. */
function decode(stored: string | null): string | null {
  if (!stored) return null;
  const bytes = Buffer.from(stored.trim(), 'base64');
  return bytes.length === KEY_BYTES ? bytes.toString('hex') : null;
}

export interface CacheKey {
  /** 64 hex characters (raw key material for SQLCipher). */
  hex: string;
  /** True when this call created the key: any existing cache file cannot be decrypted with it. */
  created: boolean;
}

export async function readCacheKey(secrets: SecretStore, profileId: string): Promise<string | null> {
  return decode(await secrets.get(accounts.cacheKey(profileId)));
}

/** Returns the profile's key, creating and storing a fresh one when there is none. */
export async function ensureCacheKey(secrets: SecretStore, profileId: string): Promise<CacheKey> {
  const existing = await readCacheKey(secrets, profileId);
  if (existing) return { hex: existing, created: false };
  return { hex: await replaceCacheKey(secrets, profileId), created: true };
}

/** Stores a new random key (after the old cache was set aside). */
export async function replaceCacheKey(secrets: SecretStore, profileId: string): Promise<string> {
  const bytes = randomBytes(KEY_BYTES);
  await secrets.set(accounts.cacheKey(profileId), bytes.toString('base64'));
  return bytes.toString('hex');
}

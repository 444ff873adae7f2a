/**
 * The cache key: 32 random bytes per profile, kept in the profile's cache-key slot of
 * the secret store (OS keychain or file vault), base64-encoded. The cache file is
 * useless without it, so losing the keychain entry costs a re-sync and nothing else.
 *
 * Several processes (the app, `tessera sync`, `tessera cases`) may open a new cache at
 * the same moment: a key is only ever created under the profile's key lock, after
 * reading again under that lock (see openCache), so they all end up with one key.
 */
import { randomBytes } from 'node:crypto';
import type { SecretSlot } from '../profiles/repository.js';

const KEY_BYTES = 32;

/** Hex form of a stored key, or null when the entry is missing or not a 256-bit key. */
function decode(stored: string | null): string | null {
  if (!stored) return null;
  const bytes = Buffer.from(stored.trim(), 'base64');
  return bytes.length === KEY_BYTES ? bytes.toString('hex') : null;
}

export async function readCacheKey(slot: SecretSlot): Promise<string | null> {
  return decode(await slot.get());
}

/** Stores a new random key (the caller holds the key lock and found none, or set the old cache aside). */
export async function replaceCacheKey(slot: SecretSlot): Promise<string> {
  const bytes = randomBytes(KEY_BYTES);
  await slot.set(bytes.toString('base64'));
  return bytes.toString('hex');
}

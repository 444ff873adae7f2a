/** The profile's cache-key slot over a secret store, as the ProfileRepository hands it to the cache. */
import type { SecretStore } from '../../src-core/ports.js';
import { secretSlot, type SecretSlot } from '../../src-core/profiles/repository.js';
import { accounts } from '../../src-core/secrets/accounts.js';

export function cacheKeySlot(secrets: SecretStore, profileId: string): SecretSlot {
  return secretSlot(secrets, accounts.cacheKey(profileId));
}

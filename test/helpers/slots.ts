/** The profile's cache-key slot over a secret store, as the ProfileRepository hands it to the cache. */
import { openConfigStore } from '../../src-core/config/store.js';
import type { SecretStore } from '../../src-core/ports.js';
import { profileSecretSlot, type SecretSlot } from '../../src-core/profiles/repository.js';
import type { SecretOwner } from '../../src-core/secrets/accounts.js';

export function cacheKeySlot(secrets: SecretStore, owner: SecretOwner): SecretSlot {
  return profileSecretSlot(secrets, owner, 'cache-key');
}

/** A cache opened in tests without a profile in config.json: its entries still need a name. */
export function cacheOnlyOwner(profileId: string): SecretOwner {
  return { id: profileId, name: 'cache-test' };
}

/** The id and name of a profile of config.json in `dataDir`, which name its secret entries. */
export async function ownerOf(dataDir: string, profileId: string): Promise<SecretOwner> {
  const profile = (await openConfigStore(dataDir).read()).profiles.find((p) => p.id === profileId);
  if (!profile) throw new Error(`no profile with id ${profileId} in ${dataDir}`);
  return profile;
}

/**
 * The check `profile add` makes against TSS with a credential ICA just accepted: one
 * read of the test definitions with the profile's domain and workgroup headers, so an
 * unknown domain, a key of another tenant or a workgroup the key may not use is refused
 * before anything is stored. It is a check, not a sync: one retry at most.
 */
import type { StoredProfile } from '../config/types.js';
import type { Http } from '../http/request.js';
import type { Credential } from './repository.js';
import { tssUrlOf } from './view.js';
import type { CachedToken } from '../tokens/record.js';

export function createTssAccessCheck(http: Http) {
  return async (profile: StoredProfile, credential: Credential, verified: CachedToken): Promise<void> => {
    // Loaded only when a profile is added: `tessera token` never loads the TSS schemas.
    const { createTssClient } = await import('../tss/client.js');
    const client = createTssClient({
      http,
      baseUrl: tssUrlOf(profile),
      domain: profile.domain,
      ...(profile.workgroup ? { workgroup: profile.workgroup } : {}),
      credential: async () => (credential.kind === 'api-key' ? { kind: 'api-key', apiKey: credential.apiKey } : { kind: 'bearer', token: verified.token }),
      retry: { maxAttempts: 2 },
    });
    await client.testDefinitions();
  };
}

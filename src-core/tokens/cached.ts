/**
 * A token served from the token cache alone: what a plain `tessera token <name>` needs
 * when the cached token is fresh enough, which is most calls. The core's own parts do
 * the work, composed for that one case: config.json read once and without side effects
 * (peekConfig), the secret backend chosen by the core's rule, the repository's profile
 * lookup, the token service's cache rules (the record, the credential and host it
 * belongs to, the minimum lifetime from the settings) and the one formatter. Nothing
 * here can mint, write or move a file, and nothing loads zod, undici or the offline cache.
 *
 * It answers null whenever serving the token takes more than that: no fresh cached token,
 * the file vault, a config.json that is missing or must be set aside, an unknown profile.
 * The caller then runs the full core (createTessera), which does the rest and reports
 * every error in its usual words. A keychain that cannot be read (locked, no Secret
 * Service) throws its error instead: asking it again would mean a second unlock prompt,
 * so the caller hands the error to the full program to report (keychainFailure).
 */
import type { TokenFormat } from '../../src-shared/token-formats.js';
import { join } from 'node:path';
import { CONFIG_FILE, peekConfig } from '../config/store.js';
import type { ConfigStore } from '../config/types.js';
import { createEventBus } from '../events.js';
import { systemClock } from '../ports.js';
import { createProfileRepository } from '../profiles/repository.js';
import { openSecretStore, resolveSecretBackend } from '../secrets/select.js';
import { createTokenService } from './service.js';
import { createTokenText, type TokenText } from './text.js';

/** Raised where the full core would go on to the network or write: this path does neither. */
class NotCached extends Error {}

const notCached = (): never => {
  throw new NotCached();
};

export interface CachedTokenRequest {
  dataDir: string;
  env: NodeJS.ProcessEnv;
  name: string;
  format: TokenFormat;
}

export async function cachedTokenText({ dataDir, env, name, format }: CachedTokenRequest): Promise<TokenText | null> {
  let readFailure: unknown;
  try {
    const seen = await peekConfig(dataDir);
    if (seen.state !== 'ok' && seen.state !== 'newer') return null;
    const { config } = seen;
    // The file's choice is passed in so the backend rule does not read config.json again.
    const backend = { dataDir, env, backend: config.secretBackend ?? ('keychain' as const) };
    // The file vault may have to ask for its passphrase: the full core does that.
    if ((await resolveSecretBackend(backend)).backend !== 'keychain') return null;
    // A token command only reads: the keychain's first read is its own availability probe.
    const secrets = await openSecretStore({ ...backend, keychain: { verify: 'read' } });
    const store: ConfigStore = { path: join(dataDir, CONFIG_FILE), read: async () => config, update: notCached };
    const repo = createProfileRepository({ config: store, secrets, events: createEventBus() });
    // The token service takes an unreadable cache for an empty one (minting would report the
    // store's error); here nothing mints, so the read's own failure is kept to be reported.
    const tokenSlot: typeof repo.tokenSlot = (owner) => {
      const slot = repo.tokenSlot(owner);
      return {
        ...slot,
        get: () =>
          slot.get().catch((error: unknown) => {
            readFailure = error;
            throw error;
          }),
      };
    };
    const tokens = createTokenService({
      ica: { mintWithApiKey: notCached, mintWithBasic: notCached, refresh: notCached },
      clock: systemClock,
      profiles: { tokenSlot, readCredential: notCached, setRejected: notCached },
      minTtlSeconds: async () => config.settings.minTtlSeconds,
    });
    const served = await createTokenText({ profiles: repo, tokens })(name, format);
    return served.status.source === 'cache' ? served : null;
  } catch (error) {
    const failed = [readFailure, error].find((e) => keychainFailure(e) !== undefined);
    if (failed !== undefined) throw failed;
    return null;
  }
}

/** The keychain's own failures (the store's typed errors), which a second attempt would only repeat. */
export function keychainFailure(error: unknown): { code: 'KEYCHAIN_LOCKED' | 'KEYCHAIN_UNAVAILABLE'; message: string } | undefined {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return (code === 'KEYCHAIN_LOCKED' || code === 'KEYCHAIN_UNAVAILABLE') && typeof message === 'string' ? { code, message } : undefined;
}

/**
 * Secrets left behind by profiles that no longer exist: when config.json was set aside
 * as corrupt, or edited by hand, its profiles' entries (key, cached token, cache key)
 * stay in the keychain or vault with nothing pointing at them.
 *
 * What each backend can tell: the file vault belongs to one data directory and lists
 * its own entries. The OS keychain is searched by service `Tessera` (the Secret
 * Service's `service` attribute, the macOS Keychain's service, Windows' target); it is
 * shared by every data directory of the user, so entries of another TESSERA_HOME look
 * orphaned from here. That is why removal always asks first.
 */
import { peekConfig } from '../config/store.js';
import { parseAccount, profileIdOf } from './accounts.js';

/**
 * Account names whose profile id is in no profile of config.json (a missing config has
 * no profiles), or null when config.json cannot be read: then nothing can be told.
 */
export async function findOrphans(dataDir: string, list: () => Promise<string[]>): Promise<string[] | null> {
  const peek = await peekConfig(dataDir);
  if (peek.state === 'corrupt') return null;
  const known = new Set(peek.state === 'missing' ? [] : peek.config.profiles.map((p) => p.id));
  return (await list()).filter((account) => {
    const id = profileIdOf(account);
    return id !== null && !known.has(id);
  }).sort();
}

/**
 * The distinct profiles of orphaned accounts, for messages: `name (id)`, or the id alone
 * for entries of earlier versions, which carry no name (names and ids are not secret).
 */
export function orphanProfiles(accounts: string[]): string[] {
  const names = new Map<string, string | null>();
  for (const account of accounts) {
    const parsed = parseAccount(account);
    const id = parsed?.profileId ?? account;
    // A profile's entries may carry different names (renamed in between): any one of them tells.
    if (!names.get(id)) names.set(id, parsed?.name ?? null);
  }
  return [...names].map(([id, name]) => (name ? `${name} (${id})` : id));
}

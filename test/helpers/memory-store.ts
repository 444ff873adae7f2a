/**
 * In-memory SecretStore for unit tests: no keychain, no disk. `failWith` makes every
 * call throw a given error so tests can exercise KEYCHAIN_* and VAULT_* paths.
 */
import type { SecretStore } from '../../src-core/ports.js';

export interface MemorySecretStore extends SecretStore {
  readonly backend: 'memory';
  /** A copy of the current entries (tests only). */
  entries(): Map<string, string>;
  /** Every later call throws this error until cleared with `failWith(null)`. */
  failWith(error: Error | null): void;
}

export function createMemoryStore(initial?: Record<string, string>): MemorySecretStore {
  const map = new Map<string, string>(Object.entries(initial ?? {}));
  let failure: Error | null = null;
  const check = () => {
    if (failure) throw failure;
  };
  return {
    backend: 'memory',
    async get(account) {
      check();
      return map.get(account) ?? null;
    },
    async set(account, value) {
      check();
      map.set(account, value);
    },
    async delete(account) {
      check();
      return map.delete(account);
    },
    async list() {
      check();
      return [...map.keys()];
    },
    entries: () => new Map(map),
    failWith(error) {
      failure = error;
    },
  };
}

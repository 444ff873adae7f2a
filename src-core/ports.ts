/**
 * What the faces (Electron main, CLI, e2e harness, tests) inject into the core.
 * Nothing in src-core reaches the outside world except through these.
 */

/** A `fetch` with the WHATWG signature: Electron's net.fetch, undici with proxy support, or Node's. */
export type FetchPort = (input: string | URL, init?: RequestInit) => Promise<Response>;

/** A store for secrets (API keys, passwords, cached JWTs, the cache key). */
export interface SecretStore {
  /** 'memory' is the tests' in-memory store (test/helpers/memory-store.ts); the core gives it a minimal doctor. */
  readonly backend: 'keychain' | 'file' | 'memory';
  /** Returns null when there is no entry. Throws TesseraError (KEYCHAIN_*, VAULT_*) when the store fails. */
  get(account: string): Promise<string | null>;
  set(account: string, value: string): Promise<void>;
  /** Returns whether an entry was deleted. */
  delete(account: string): Promise<boolean>;
  /** Every account name in the store (never the values): to find a profile's entries under former names, and orphans. */
  list(): Promise<string[]>;
}

/**
 * What the core needs from a secret store that a person opens with a passphrase (the
 * file vault). The keychain has no such step: the OS unlocks it.
 */
export interface PassphraseVault {
  /** True while no key is in memory and nothing (TESSERA_VAULT_PASSPHRASE, a prompt) can supply the passphrase: only unlockWith() opens it. */
  needsPassphrase(): boolean;
  /** Whether the vault file exists yet. */
  exists(): Promise<boolean>;
  /**
   * Checks the passphrase against the vault and keeps the derived key in memory
   * (VAULT_BAD_PASSPHRASE when wrong). With no vault yet: creates an empty one if
   * `create`, else fails with VAULT_LOCKED.
   */
  unlockWith(passphrase: string, options?: { create?: boolean }): Promise<void>;
  /** Forgets the derived key. */
  lock(): void;
}

export function isPassphraseVault(store: SecretStore): store is SecretStore & PassphraseVault {
  const s = store as Partial<PassphraseVault>;
  return store.backend === 'file' && typeof s.needsPassphrase === 'function' && typeof s.unlockWith === 'function' && typeof s.lock === 'function';
}

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

interface Paths {
  /** Tessera's data directory (profiles, settings, cache, logs). */
  dataDir: string;
  /** The person's home directory (where ~/.icav2 is); default: os.homedir(), which honours HOME. */
  home?: string;
}

/** System clipboard. The Electron port marks writes concealed for clipboard managers. */
export interface ClipboardPort {
  writeSecret(text: string): void | Promise<void>;
  readText(): string | Promise<string>;
  clear(): void | Promise<void>;
}

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface Ports {
  fetch: FetchPort;
  secrets: SecretStore;
  clock: Clock;
  paths: Paths;
  clipboard?: ClipboardPort;
  logger?: Logger;
  timers?: Timers;
  /** App version and runtime versions for getAppInfo. */
  appInfo?: { version: string; versions: Record<string, string> };
  /**
   * Hands a report PDF to the person (desktop: the save dialog, or the system viewer via
   * a private temporary file; harness: a download directory). Absent in the CLI, which
   * writes `--pdf <file>` itself. Returns the file name written, or null when cancelled.
   */
  files?: {
    savePdf(suggestedName: string, bytes: Uint8Array, options: { open: boolean }): Promise<string | null>;
  };
  /** Starts the embedded simulator for the demo tenant (supplied by desktop and harness faces). */
  demo?: () => Promise<{ icaUrl: string; tssUrl: string; domain: string; apiKey: string }>;
}

export const systemClock: Clock = { now: () => Date.now() };
export const systemTimers: Timers = {
  setTimeout: (fn, ms) => {
    const handle = setTimeout(fn, ms);
    if (typeof handle === 'object' && handle && 'unref' in handle) (handle as { unref(): void }).unref();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

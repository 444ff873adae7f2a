/**
 * Chooses the secret backend: `TESSERA_SECRET_BACKEND` (env) first, then the
 * configured choice (the `backend` option, else config.json's `secretBackend`), else
 * the OS keychain. There is never a silent fallback: when the keychain does not work,
 * its errors say so and name the file vault as the explicit alternative.
 */
import { newVaultPassphraseProblem } from '../../src-shared/rules.js';
import { TesseraError } from '../errors.js';
import { peekConfig } from '../config/store.js';
import type { FileVaultOptions, FileVaultStore, PassphraseProvider } from './file-vault.js';
import { createKeychainStore, type KeychainSecretStore, type KeychainStoreOptions } from './keychain.js';

export type SecretBackend = 'keychain' | 'file';
export type BackendSource = 'env' | 'option' | 'config' | 'default';

export const SECRET_BACKEND_ENV = 'TESSERA_SECRET_BACKEND';
export const VAULT_PASSPHRASE_ENV = 'TESSERA_VAULT_PASSPHRASE';

export interface OpenSecretStoreOptions {
  dataDir: string;
  /** The configured choice; TESSERA_SECRET_BACKEND overrides it. When absent, config.json is consulted. */
  backend?: SecretBackend;
  env?: NodeJS.ProcessEnv;
  /** The face's way to ask for the vault passphrase (a TTY prompt); TESSERA_VAULT_PASSPHRASE wins when set. */
  passphrase?: PassphraseProvider;
  /**
   * The face asks for the passphrase on its own screen and hands it to the vault's
   * `unlockWith()` (the desktop app's lock screen, through the core's `unlockVault`).
   * Without TESSERA_VAULT_PASSPHRASE the vault then starts locked (VAULT_LOCKED), instead
   * of failing every access with VAULT_PASSPHRASE_REQUIRED as a script without a
   * terminal does.
   */
  inAppUnlock?: boolean;
  platform?: NodeJS.Platform;
  /** Passed to the keychain store (service name for tests, probe mode). */
  keychain?: Pick<KeychainStoreOptions, 'service' | 'verify'>;
  /** scrypt cost for a new file vault. */
  kdf?: FileVaultOptions['kdf'];
}

function parseBackend(value: string, from: string): SecretBackend {
  const v = value.trim().toLowerCase();
  if (v === 'keychain' || v === 'file') return v;
  throw new TesseraError('INVALID_INPUT', `${from} must be "keychain" or "file" (got "${value.slice(0, 32)}").`);
}

/** Which backend is selected, and why; shared by openSecretStore and the doctor. */
export async function resolveSecretBackend(options: Pick<OpenSecretStoreOptions, 'dataDir' | 'backend' | 'env'>): Promise<{ backend: SecretBackend; source: BackendSource }> {
  const env = options.env ?? process.env;
  const fromEnv = env[SECRET_BACKEND_ENV];
  if (fromEnv?.trim()) return { backend: parseBackend(fromEnv, SECRET_BACKEND_ENV), source: 'env' };
  if (options.backend) return { backend: options.backend, source: 'option' };
  // Peek rather than open: a damaged config.json is the config store's to report and set aside.
  const peek = await peekConfig(options.dataDir).catch(() => null);
  if (peek && (peek.state === 'ok' || peek.state === 'newer') && peek.config.secretBackend) {
    return { backend: peek.config.secretBackend, source: 'config' };
  }
  return { backend: 'keychain', source: 'default' };
}

/** TESSERA_VAULT_PASSPHRASE when set, else the face's prompt, else VAULT_PASSPHRASE_REQUIRED. */
export function passphraseProvider(env: NodeJS.ProcessEnv, prompt?: PassphraseProvider): PassphraseProvider {
  return async (purpose) => {
    const fromEnv = env[VAULT_PASSPHRASE_ENV];
    if (fromEnv) {
      const problem = purpose?.create ? newVaultPassphraseProblem(fromEnv) : null;
      if (problem) throw new TesseraError('INVALID_INPUT', `${VAULT_PASSPHRASE_ENV} cannot create the file vault: ${problem}`);
      return fromEnv;
    }
    if (prompt) return prompt(purpose);
    throw new TesseraError(
      'VAULT_PASSPHRASE_REQUIRED',
      `The file vault needs its passphrase: set ${VAULT_PASSPHRASE_ENV}, or run in a terminal to be asked for it.`,
    );
  };
}

export async function openSecretStore(options: OpenSecretStoreOptions): Promise<KeychainSecretStore | FileVaultStore> {
  const env = options.env ?? process.env;
  const { backend } = await resolveSecretBackend(options);
  if (backend === 'file') {
    // Loaded only when chosen: keychain users never load the vault code (or its zod schemas).
    const { createFileVault } = await import('./file-vault.js');
    const fromOutside = Boolean(env[VAULT_PASSPHRASE_ENV]) || options.passphrase !== undefined || !options.inAppUnlock;
    return createFileVault({
      dataDir: options.dataDir,
      ...(fromOutside ? { passphrase: passphraseProvider(env, options.passphrase) } : {}),
      ...(options.kdf ? { kdf: options.kdf } : {}),
    });
  }
  return createKeychainStore({ ...options.keychain, env, ...(options.platform ? { platform: options.platform } : {}) });
}

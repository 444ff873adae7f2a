/**
 * SecretStore over the OS keychain through @napi-rs/keyring: entries are
 * (service `Tessera`, account), with the attributes `service` and `username` on
 * Linux's Secret Service, so the desktop app and the CLI share them.
 *
 * Honesty about availability is the point of this module. Without a session bus the
 * library can answer "no entry" to a read while writes fail, and by default it
 * falls back on Linux to the kernel keyring (session-scoped, lost at logout). So:
 * - entries are pinned to the Secret Service on Linux (no silent fallback);
 * - on Linux, a missing D-Bus session bus is reported before any call;
 * - the first use in a process runs a probe (write, read back, delete a probe
 *   entry by default) and only then trusts `get` returning null;
 * - failures become KEYCHAIN_UNAVAILABLE (saying how to choose the file vault) or
 *   KEYCHAIN_LOCKED, and messages never carry a secret value.
 *
 * The async entry class runs each call on libuv's thread pool: a keychain prompt
 * (unlock, or macOS "allow access") must not freeze Electron's main process.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { TesseraError } from '../errors.js';
import { redactForeign, registerSecret } from '../redact.js';
import type { SecretStore } from '../ports.js';
import { SECRET_SERVICE } from './accounts.js';

type KeyringModule = typeof import('@napi-rs/keyring');
type AsyncEntryInstance = InstanceType<KeyringModule['AsyncEntry']>;

export interface KeychainStoreOptions {
  /** Keychain service name; tests may isolate themselves with another one. */
  service?: string;
  /** Environment for the Linux D-Bus pre-check (the native library reads the real one). */
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  /**
   * What the first-use probe does: `write` (default) writes, reads back and deletes a
   * probe entry, which also catches a missing or locked default keyring; `read`
   * only reads, for callers that must not write (it still catches a missing bus).
   */
  verify?: 'write' | 'read';
}

export interface KeychainSecretStore extends SecretStore {
  readonly backend: 'keychain';
  readonly service: string;
  /** Writes, reads back and deletes a probe entry; throws KEYCHAIN_UNAVAILABLE or KEYCHAIN_LOCKED. */
  probe(): Promise<void>;
  /**
   * Every account name stored under this service (never the values). The Secret Service
   * is searched by its `service` attribute, the macOS Keychain and the Windows
   * Credential Manager by service as well (the library's findCredentials).
   */
  list(): Promise<string[]>;
}

const FILE_VAULT_HINT =
  'or use the encrypted file vault instead: set TESSERA_SECRET_BACKEND=file (with TESSERA_VAULT_PASSPHRASE, or enter the passphrase when asked)';

let keyringModule: Promise<KeyringModule> | undefined;

/**
 * Loads the native module on first use, so commands that never touch secrets start faster.
 * With require(), not import(): the package is CommonJS, and importing CommonJS from ESM
 * first scans its source for export names (Node's cjs-module-lexer), which took longer
 * than loading the module itself (about 30 ms on every `tessera token`).
 */
function loadKeyring(): Promise<KeyringModule> {
  keyringModule ??= new Promise<KeyringModule>((resolve) => {
    resolve(createRequire(import.meta.url)('@napi-rs/keyring') as KeyringModule);
  }).catch((error: unknown) => {
    keyringModule = undefined;
    throw new TesseraError(
      'KEYCHAIN_UNAVAILABLE',
      `The OS keychain is not available (the keyring module could not be loaded on this platform), ${FILE_VAULT_HINT}.`,
      { cause: error },
    );
  });
  return keyringModule;
}

/** Why the keychain cannot work on Linux before even trying, or null. */
export function linuxBusProblem(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string | null {
  if (platform !== 'linux') return null;
  const address = env.DBUS_SESSION_BUS_ADDRESS?.trim();
  if (address) {
    // Only plain socket paths can be checked; abstract sockets and tcp are left to libdbus.
    const paths = address.split(';').map((a) => /^unix:path=([^,]+)/.exec(a)?.[1]);
    if (paths.length > 0 && paths.every((p) => p !== undefined && !existsSync(p))) {
      return `no D-Bus session bus: DBUS_SESSION_BUS_ADDRESS points to ${paths.join(', ')}, which does not exist`;
    }
    return null;
  }
  // libdbus also finds the per-user bus at $XDG_RUNTIME_DIR/bus (systemd sessions).
  if (env.XDG_RUNTIME_DIR && existsSync(join(env.XDG_RUNTIME_DIR, 'bus'))) return null;
  return 'no D-Bus session bus: DBUS_SESSION_BUS_ADDRESS is not set, so no Secret Service can be reached';
}

const LOCKED_PATTERNS = [/locked/i, /prompt was dismissed/i, /dismissed/i, /interaction (is )?not allowed/i, /user cancel/i, /-25308\b/, /-128\b/];

/** Maps an error from the native library to a typed error whose message holds no secret. */
export function keychainError(error: unknown, action: string, secret?: string): TesseraError {
  if (error instanceof TesseraError) return error;
  // The value being stored counts as known from now on: the native error stays attached as `cause`.
  registerSecret(secret);
  const detail = redactForeign(error instanceof Error ? error.message : String(error));
  if (LOCKED_PATTERNS.some((p) => p.test(detail))) {
    return new TesseraError(
      'KEYCHAIN_LOCKED',
      `The OS keychain is locked and could not ${action} (${detail}). Unlock your login keyring and try again, ${FILE_VAULT_HINT}.`,
      { cause: error },
    );
  }
  let why = detail;
  if (/no result found/i.test(detail)) why = `${detail}; the Secret Service has no default keyring (collection) to store into`;
  else if (/ambiguous/i.test(detail)) why = `${detail}; several keychain entries match, remove the duplicates`;
  // Windows Credential Manager caps a secret at 2560 bytes (1280 UTF-16 characters).
  else if (/longer than platform limit|too long/i.test(detail)) why = `${detail}; the value is longer than this keychain accepts`;
  return new TesseraError(
    'KEYCHAIN_UNAVAILABLE',
    `The OS keychain is not available and could not ${action} (${why}). Start or unlock your keyring (the Secret Service, such as gnome-keyring, on Linux), ${FILE_VAULT_HINT}.`,
    { cause: error },
  );
}

export function createKeychainStore(options: KeychainStoreOptions = {}): KeychainSecretStore {
  const service = options.service ?? SECRET_SERVICE;
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const verify = options.verify ?? 'write';
  let ready: Promise<void> | null = null;

  async function entry(account: string): Promise<AsyncEntryInstance> {
    const problem = linuxBusProblem(env, platform);
    if (problem) throw keychainError(new Error(problem), 'be used');
    const { AsyncEntry } = await loadKeyring();
    try {
      // Pinning to the Secret Service makes a missing bus throw here instead of
      // falling back to the kernel keyring; other platforms ignore the option.
      return new AsyncEntry(service, account, { linux: { store: 'secret-service' } });
    } catch (error) {
      throw keychainError(error, 'be opened');
    }
  }

  async function runProbe(mode: 'write' | 'read'): Promise<void> {
    const account = `probe/${process.pid}-${randomBytes(6).toString('hex')}`;
    const e = await entry(account);
    if (mode === 'read') {
      try {
        await e.getPassword();
      } catch (error) {
        throw keychainError(error, 'be read');
      }
      return;
    }
    const value = randomBytes(12).toString('hex');
    try {
      await e.setPassword(value);
    } catch (error) {
      throw keychainError(error, 'store a test entry', value);
    }
    let readBack: string | null;
    try {
      readBack = await e.getPassword();
    } catch (error) {
      throw keychainError(error, 'read a test entry back', value);
    } finally {
      await e.deleteCredential().catch(() => false);
    }
    if (readBack !== value) {
      throw keychainError(new Error('a test entry was written but could not be read back'), 'keep a test entry');
    }
  }

  /** Runs the probe once per store; a failure is not cached, so unlocking the keyring later helps. */
  function ensureReady(): Promise<void> {
    ready ??= runProbe(verify).catch((error: unknown) => {
      ready = null;
      throw error;
    });
    return ready;
  }

  return {
    backend: 'keychain',
    service,
    async get(account) {
      // In read mode the probe is only a read of a throwaway entry, so the first real read
      // proves exactly as much: the bus pre-check in entry() still runs (a missing bus would
      // otherwise read as null), and a failure maps to the same errors. Skipping the probe
      // saves one Secret Service connection and lookup per `tessera token`.
      const firstRead = verify === 'read' && ready === null;
      if (!firstRead) await ensureReady();
      const e = await entry(account);
      try {
        const value = (await e.getPassword()) ?? null;
        if (firstRead) ready ??= Promise.resolve();
        return value;
      } catch (error) {
        throw keychainError(error, firstRead ? 'be read' : 'read a secret');
      }
    },
    async set(account, value) {
      await ensureReady();
      const e = await entry(account);
      try {
        await e.setPassword(value);
      } catch (error) {
        throw keychainError(error, 'store a secret', value);
      }
    },
    async delete(account) {
      await ensureReady();
      const e = await entry(account);
      try {
        return await e.deleteCredential();
      } catch (error) {
        throw keychainError(error, 'delete a secret');
      }
    },
    async probe() {
      await runProbe('write');
      ready ??= Promise.resolve();
    },
    async list() {
      const problem = linuxBusProblem(env, platform);
      if (problem) throw keychainError(new Error(problem), 'be used');
      const { findCredentialsAsync } = await loadKeyring();
      try {
        // The search returns the values too: only the names leave this function.
        return (await findCredentialsAsync(service)).map((c) => c.account);
      } catch (error) {
        throw keychainError(error, 'list its entries');
      }
    },
  };
}

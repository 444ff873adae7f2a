/**
 * `tessera doctor` and the desktop app's diagnostics: what works, what does not, and
 * what to do about it. Above all it answers "which secret backend works here?", and
 * when none does, says why and how to fix it (unlock or start the keyring, or choose
 * the file vault explicitly). It never prints a secret; proxy URLs lose their
 * credentials.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { arch } from 'node:os';
import { join } from 'node:path';
import { ERROR_ACTIONS } from '../src-shared/errors.js';
import type { DoctorCheck, DoctorReport } from '../src-shared/schemas.js';
import { isTesseraError } from './errors.js';
import { peekConfig } from './config/store.js';
import { redact } from './redact.js';
import { ensureDataDir } from './paths.js';
import { isPassphraseVault, type SecretStore } from './ports.js';
import { createFileVault, type FileVaultStore, type PassphraseProvider } from './secrets/file-vault.js';
import { createKeychainStore, linuxBusProblem, type KeychainSecretStore } from './secrets/keychain.js';
import { findOrphans, orphanProfiles } from './secrets/orphans.js';
import { SECRET_BACKEND_ENV, VAULT_PASSPHRASE_ENV, resolveSecretBackend, type SecretBackend } from './secrets/select.js';

export const MIN_NODE = [20, 18] as const;

export interface DoctorOptions {
  dataDir: string;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  nodeVersion?: string;
  /** The configured backend; TESSERA_SECRET_BACKEND overrides it; else config.json decides. */
  backend?: SecretBackend;
  /** The keychain store to probe (default: a real one for `env`); with `list`, orphaned entries are looked for. */
  keychain?: () => Pick<KeychainSecretStore, 'probe'> & Partial<Pick<KeychainSecretStore, 'list'>>;
  /** The file vault to check (default: `<dataDir>/vault.json` with the passphrase below). */
  fileVault?: (passphrase: PassphraseProvider) => Pick<FileVaultStore, 'exists' | 'unlock' | 'path'> & Partial<Pick<FileVaultStore, 'list'>>;
  /** The face's passphrase prompt; used only when the file vault is the selected backend. */
  passphrase?: PassphraseProvider;
  /**
   * The app's own file vault (the desktop app, opened on its lock screen): checked as it
   * is, with the key it holds, instead of a fresh store that would need the passphrase.
   */
  appVault?: Pick<FileVaultStore, 'exists' | 'unlock' | 'path'> & Partial<Pick<FileVaultStore, 'list'>>;
  /** Longest wait for the keychain probe (a hung Secret Service must not hang the doctor). */
  probeTimeoutMs?: number;
}

/** `{ appVault }` when the face's secret store is a file vault it can check itself (key in memory or not), else nothing. */
export function appVaultOf(store: SecretStore): Pick<DoctorOptions, 'appVault'> {
  const s = store as SecretStore & Partial<Pick<FileVaultStore, 'path' | 'unlock' | 'exists' | 'list'>>;
  if (isPassphraseVault(store) && typeof s.path === 'string' && s.unlock && s.exists) {
    return { appVault: { path: s.path, unlock: s.unlock.bind(s), exists: s.exists.bind(s), ...(s.list ? { list: s.list.bind(s) } : {}) } };
  }
  return {};
}

interface Result extends DoctorCheck {
  /** Counts towards the report's `ok`. */
  required: boolean;
}

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));
const hintFor = (error: unknown, fallback: string): string => (isTesseraError(error) ? error.action : fallback);

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not answer within ${Math.round(ms / 1000)} s`)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

function nodeCheck(version: string, platform: NodeJS.Platform): Result {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  const ok = major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]);
  return {
    name: 'node',
    ok,
    required: true,
    detail: `Node ${version.replace(/^v/, '')} on ${platform}-${arch()}`,
    ...(ok ? {} : { hint: `Install Node ${MIN_NODE.join('.')} or newer.` }),
  };
}

async function dataDirCheck(dataDir: string, platform: NodeJS.Platform): Promise<Result> {
  try {
    ensureDataDir(dataDir);
    const probe = join(dataDir, `.doctor-${process.pid}-${randomBytes(4).toString('hex')}`);
    await fs.writeFile(probe, 'ok', { mode: 0o600 });
    await fs.rm(probe, { force: true });
    let detail = `${dataDir} is writable`;
    if (platform !== 'win32') {
      const mode = (await fs.stat(dataDir)).mode & 0o777;
      if (mode & 0o077) detail += `; its mode is ${mode.toString(8)}, consider \`chmod 700 ${dataDir}\``;
    }
    return { name: 'data-dir', ok: true, required: true, detail };
  } catch (error) {
    return {
      name: 'data-dir',
      ok: false,
      required: true,
      detail: `${dataDir} is not writable (${(error as NodeJS.ErrnoException).code ?? describe(error)})`,
      hint: 'Fix the permissions of the data directory, or point TESSERA_HOME at a writable directory.',
    };
  }
}

async function configCheck(dataDir: string): Promise<Result> {
  try {
    const peek = await peekConfig(dataDir);
    switch (peek.state) {
      case 'missing':
        return { name: 'config', ok: true, required: true, detail: 'No config.json yet (no profiles); it is created with the first profile' };
      case 'ok':
        return { name: 'config', ok: true, required: true, detail: `config.json is readable: ${peek.config.profiles.length} profile(s), schema version ${peek.version}` };
      case 'newer':
        return {
          name: 'config',
          ok: true,
          required: true,
          detail: `config.json comes from a newer Tessera (schema version ${peek.version}); it is read but not changed`,
        };
      case 'corrupt':
        return {
          name: 'config',
          ok: false,
          required: true,
          detail: `config.json cannot be read (${peek.reason})`,
          hint: 'The next Tessera command moves it aside to config.json.corrupt-<time> and starts empty; add your profiles again.',
        };
    }
  } catch (error) {
    return { name: 'config', ok: false, required: true, detail: describe(error), hint: ERROR_ACTIONS.CONFIG_CORRUPT };
  }
}

/** Entries of profiles config.json no longer has (see secrets/orphans.ts); a warning, never a failure. */
async function orphansCheck(dataDir: string, list: () => Promise<string[]>, keychain: boolean): Promise<Result> {
  const where = keychain ? 'the OS keychain' : 'the file vault';
  try {
    const orphans = await findOrphans(dataDir, list);
    if (orphans === null) return { name: 'orphans', ok: true, required: false, detail: `config.json cannot be read, so orphaned entries in ${where} cannot be told` };
    if (orphans.length === 0) return { name: 'orphans', ok: true, required: false, detail: `no orphaned entries in ${where}` };
    return {
      name: 'orphans',
      ok: false,
      required: false,
      detail: `${orphans.length} ${orphans.length === 1 ? 'entry' : 'entries'} in ${where} belong to no profile of config.json (profiles: ${orphanProfiles(orphans).join(', ')})`,
      hint: `Remove them with \`tessera doctor --remove-orphans\`.${keychain ? ' Another data directory (TESSERA_HOME) of this user keeps its entries in the same keychain: keep them if you use one.' : ''}`,
    };
  } catch (error) {
    return { name: 'orphans', ok: false, required: false, detail: `orphaned entries in ${where} could not be listed: ${describe(error)}` };
  }
}

function proxyCheck(env: NodeJS.ProcessEnv): Result {
  const names = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy', 'NO_PROXY', 'no_proxy'];
  const set = names.filter((n) => env[n]?.trim()).map((n) => `${n}=${redact(env[n] ?? '')}`);
  return {
    name: 'proxy',
    ok: true,
    required: false,
    detail: set.length ? `Proxy environment: ${set.join(', ')}` : 'No proxy environment variables set (direct connections; the desktop app follows the system proxy)',
  };
}

export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const checks: Result[] = [];

  checks.push(nodeCheck(options.nodeVersion ?? process.versions.node, platform));
  checks.push(await dataDirCheck(options.dataDir, platform));
  checks.push(await configCheck(options.dataDir));

  // Which backend is selected, and from where.
  let selected: SecretBackend = 'keychain';
  try {
    const resolved = await resolveSecretBackend({ dataDir: options.dataDir, env, ...(options.backend ? { backend: options.backend } : {}) });
    selected = resolved.backend;
    const from = { env: `from ${SECRET_BACKEND_ENV}`, option: 'configured', config: 'from config.json', default: 'the default' }[resolved.source];
    checks.push({ name: 'secret-backend', ok: true, required: true, detail: `Selected secret backend: ${selected} (${from})` });
  } catch (error) {
    checks.push({ name: 'secret-backend', ok: false, required: true, detail: describe(error), hint: `Set ${SECRET_BACKEND_ENV} to keychain or file, or unset it.` });
  }

  // D-Bus session bus (Linux): the Secret Service lives on it.
  if (platform === 'linux') {
    const problem = linuxBusProblem(env, platform);
    checks.push({
      name: 'dbus-session',
      ok: problem === null,
      required: false,
      // The bus serves the keychain only: with the file vault chosen it is the unused alternative's concern.
      selected: selected === 'keychain',
      detail: problem === null ? 'A D-Bus session bus is configured' : problem.charAt(0).toUpperCase() + problem.slice(1),
      ...(problem === null
        ? {}
        : { hint: 'Run inside a desktop session (or `dbus-run-session`) with a Secret Service such as gnome-keyring, or use the file vault.' }),
    });
  }

  // The keychain: a real write, read-back and delete of a probe entry.
  let keychainOk = false;
  const keychainSelected = selected === 'keychain';
  let listSelected: (() => Promise<string[]>) | undefined;
  try {
    const store = options.keychain?.() ?? createKeychainStore({ env, platform });
    const list = store.list?.bind(store);
    if (keychainSelected && list) listSelected = () => withTimeout(list(), options.probeTimeoutMs ?? 15_000, 'The keychain');
    await withTimeout(store.probe(), options.probeTimeoutMs ?? 15_000, 'The keychain');
    keychainOk = true;
    checks.push({ name: 'keychain', ok: true, required: keychainSelected, selected: keychainSelected, detail: `The OS keychain works (probe entry written, read back and deleted)${keychainSelected ? '' : '; not selected'}` });
  } catch (error) {
    checks.push({
      name: 'keychain',
      ok: false,
      required: keychainSelected,
      selected: keychainSelected,
      detail: `${keychainSelected ? '' : '(not selected) '}${describe(error)}`,
      hint: hintFor(error, ERROR_ACTIONS.KEYCHAIN_UNAVAILABLE),
    });
  }

  // The file vault: present or not, passphrase available, and whether it opens.
  let vaultOk = false;
  const vaultSelected = selected === 'file';
  const envPassphrase = env[VAULT_PASSPHRASE_ENV];
  const canAsk = Boolean(envPassphrase) || (vaultSelected && (options.passphrase !== undefined || options.appVault !== undefined));
  const provider: PassphraseProvider = async () => envPassphrase || (options.passphrase ? options.passphrase() : '');
  try {
    const vault = (vaultSelected ? options.appVault : undefined) ?? options.fileVault?.(provider) ?? createFileVault({ dataDir: options.dataDir, passphrase: provider });
    const present = await vault.exists();
    const prefix = vaultSelected ? '' : '(not selected) ';
    if (!canAsk) {
      checks.push({
        name: 'file-vault',
        ok: false,
        required: vaultSelected,
        selected: vaultSelected,
        detail: `${prefix}${present ? `${vault.path} exists` : 'No file vault yet'}; no passphrase is available (${VAULT_PASSPHRASE_ENV} is not set)`,
        hint: `Set ${VAULT_PASSPHRASE_ENV}, or run in a terminal to be asked for the passphrase.`,
      });
    } else if (!present) {
      vaultOk = true;
      checks.push({ name: 'file-vault', ok: true, required: vaultSelected, selected: vaultSelected, detail: `${prefix}No file vault yet; ${vault.path} is created, encrypted, on the first stored key` });
    } else {
      await vault.unlock();
      vaultOk = true;
      if (vaultSelected && vault.list) listSelected = vault.list.bind(vault);
      checks.push({ name: 'file-vault', ok: true, required: vaultSelected, selected: vaultSelected, detail: `${prefix}${vault.path} opens with the ${options.appVault && vaultSelected ? "app's unlocked key" : 'given passphrase'}` });
    }
  } catch (error) {
    checks.push({
      name: 'file-vault',
      ok: false,
      required: vaultSelected,
      selected: vaultSelected,
      detail: `${vaultSelected ? '' : '(not selected) '}${describe(error)}`,
      hint: hintFor(error, ERROR_ACTIONS.VAULT_CORRUPT),
    });
  }

  // The verdict on secrets, with the one thing to do.
  const selectedOk = keychainSelected ? keychainOk : vaultOk;
  if (selectedOk) {
    checks.push({ name: 'secrets', ok: true, required: true, detail: `Secrets are stored in the ${keychainSelected ? 'OS keychain' : 'encrypted file vault'}` });
  } else {
    let hint: string;
    if (keychainSelected && vaultOk) {
      hint = `The keychain does not work here. Unlock or start your keyring, or switch to the encrypted file vault: ${SECRET_BACKEND_ENV}=file (its passphrase from ${VAULT_PASSPHRASE_ENV}).`;
    } else if (!keychainSelected && keychainOk) {
      hint = `The file vault cannot be used. Set ${VAULT_PASSPHRASE_ENV} (or run in a terminal), or use the OS keychain, which works here: unset ${SECRET_BACKEND_ENV}.`;
    } else {
      hint = `No secret backend works. Unlock or start your keyring (on Linux a Secret Service such as gnome-keyring in a D-Bus session), or choose the encrypted file vault: ${SECRET_BACKEND_ENV}=file with ${VAULT_PASSPHRASE_ENV}=<passphrase>.`;
    }
    checks.push({ name: 'secrets', ok: false, required: true, detail: `The selected backend (${selected}) does not work`, hint });
  }

  if (selectedOk && listSelected) checks.push(await orphansCheck(options.dataDir, listSelected, keychainSelected));

  checks.push(proxyCheck(env));

  return {
    ok: checks.every((c) => c.ok || !c.required),
    dataDir: options.dataDir,
    secretBackend: selected,
    checks: checks.map(({ required: _required, ...check }) => check),
  };
}

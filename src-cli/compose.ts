/**
 * The CLI's composition root: the core with the CLI's ports. Loaded with a dynamic
 * import on the first command that needs the core, so `--help` and usage errors
 * never load zod, the config store or the keychain module.
 *
 * Ports: fetch = undici with the HTTPS_PROXY family (fetch.ts); secrets = keychain or
 * the file vault (TESSERA_SECRET_BACKEND, else config.json, else keychain), with a
 * no-echo prompt for the vault passphrase when a terminal is attached; clock = the
 * system clock; clipboard = none (the CLI prints); logger = the core's redacting file
 * logger in `<dataDir>/logs/tessera.log`.
 */
import {
  createFileLogger,
  defaultDataDir,
  ensureDataDir,
  registerSecret,
  TesseraError,
  loadDoctor,
  loadOrphans,
  loadSecretStore,
  loadTessera,
  systemClock,
  systemTimers,
  type DoctorOptions,
  type LogLevel,
  type TesseraCore,
} from '../src-core/index.js';
import type { DoctorReport } from '../src-shared/schemas.js';
import pkg from '../package.json' with { type: 'json' };
import { createCliFetch } from './fetch.js';
import { promptHidden } from './io.js';
import { newVaultPassphraseProblem, VAULT_PASSPHRASE_MIN, VAULT_PASSPHRASE_UNRECOVERABLE } from '../src-shared/rules.js';

export interface Composition {
  core: TesseraCore;
  backend: 'keychain' | 'file' | 'memory';
  dataDir: string;
  dispose(): Promise<void>;
}

/** TESSERA_HOME when set (relative to the working directory), else the directory the desktop app uses. */
export function resolveDataDir(env: NodeJS.ProcessEnv): string {
  return defaultDataDir(env, process.platform);
}

const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/**
 * Only a terminal can be asked; scripts get VAULT_PASSPHRASE_REQUIRED naming
 * TESSERA_VAULT_PASSPHRASE. A new vault's passphrase is asked twice, refused when
 * short (the rule the app and the core apply), with the warning that it cannot be
 * recovered; the vault checks the rule again.
 */
function passphrasePrompt(): ((purpose?: { create: boolean }) => Promise<string>) | undefined {
  if (!process.stdin.isTTY) return undefined;
  // The file vault registers the passphrase with the core's redaction when it gets it.
  return async (purpose) => {
    if (!purpose?.create) return promptHidden('Tessera vault passphrase: ');
    process.stderr.write(`tessera: creating the encrypted file vault. ${VAULT_PASSPHRASE_UNRECOVERABLE}\n`);
    const first = await promptHidden(`New vault passphrase (at least ${VAULT_PASSPHRASE_MIN} characters): `);
    registerSecret(first);
    const problem = newVaultPassphraseProblem(first);
    if (problem) throw new TesseraError('INVALID_INPUT', `${problem} Nothing was stored.`);
    const again = await promptHidden('Type it again: ');
    registerSecret(again);
    if (again !== first) throw new TesseraError('INVALID_INPUT', 'The two passphrases differ. Nothing was stored.');
    return first;
  };
}

/** The doctor runs rarely: its module (and the file vault's) loads only when it does. */
async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  return (await loadDoctor()).runDoctor(options);
}

/**
 * `tessera doctor` without composing the core: it must report what is wrong even when
 * the core cannot be built (an invalid TESSERA_SECRET_BACKEND, an unwritable data dir).
 */
export function cliDoctor(env: NodeJS.ProcessEnv): Promise<DoctorReport> {
  const passphrase = passphrasePrompt();
  return runDoctor({ dataDir: resolveDataDir(env), env, ...(passphrase && { passphrase }) });
}

/**
 * `tessera doctor --remove-orphans`: the selected secret store and its orphaned entries
 * (null when config.json cannot be read). Opened like the core opens it, without the core.
 */
export async function cliOrphans(env: NodeJS.ProcessEnv): Promise<{ backend: 'keychain' | 'file'; orphans: string[] | null; remove(accounts: string[]): Promise<number> }> {
  const dataDir = ensureDataDir(resolveDataDir(env));
  const passphrase = passphrasePrompt();
  const { openSecretStore } = await loadSecretStore();
  const store = await openSecretStore({ dataDir, env, ...(passphrase && { passphrase }) });
  const { findOrphans } = await loadOrphans();
  return {
    backend: store.backend,
    orphans: await findOrphans(dataDir, () => store.list()),
    async remove(accounts) {
      let removed = 0;
      for (const account of accounts) if (await store.delete(account)) removed += 1;
      return removed;
    },
  };
}

export interface CoreOptions {
  /**
   * The command mostly reads secrets (token, exec): the keychain's first-use probe only
   * reads instead of writing and deleting a probe entry, which saves two keyring writes
   * (about 20 ms) per call. Writes still report a broken keychain with the same errors.
   */
  readMostly?: boolean;
  /** The token fast path found the keychain failing (locked, unreachable): reported as it is, not asked again. */
  keychainFailure?: { code: 'KEYCHAIN_LOCKED' | 'KEYCHAIN_UNAVAILABLE'; message: string };
}

export async function composeCore(env: NodeJS.ProcessEnv, options: CoreOptions = {}): Promise<Composition> {
  const level = LOG_LEVELS.find((l) => l === env.TESSERA_LOG_LEVEL) ?? (env.TESSERA_DEBUG === '1' ? 'debug' : 'info');
  const dir = resolveDataDir(env);
  const logger = createFileLogger({ dataDir: dir, level, base: { face: 'cli', pid: process.pid } });
  const dataDir = ensureDataDir(dir, logger);
  const passphrase = passphrasePrompt();
  const [{ createTessera }, { openSecretStore, resolveSecretBackend }] = await Promise.all([loadTessera(), loadSecretStore()]);
  if (options.keychainFailure && (await resolveSecretBackend({ dataDir, env })).backend === 'keychain') {
    // A second attempt would only repeat it, behind a second unlock prompt.
    throw new TesseraError(options.keychainFailure.code, options.keychainFailure.message);
  }
  const secrets = await openSecretStore({
    dataDir,
    env,
    ...(options.readMostly && { keychain: { verify: 'read' as const } }),
    ...(passphrase && { passphrase }),
  });
  const http = createCliFetch(env);
  const core = createTessera({
    fetch: http.fetch,
    secrets,
    clock: systemClock,
    timers: systemTimers,
    paths: { dataDir },
    logger,
    appInfo: { version: pkg.version, versions: { node: process.versions.node } },
  }, {
    // Built next to the CLI's bundle (scripts/build-cli.mjs); from the sources it is absent and the sync writes on the main thread.
    cacheWriter: new URL('./cache-writer.mjs', import.meta.url),
    // The doctor resolves the backend itself (so it can say where the choice came from) and may
    // ask for the vault passphrase on a terminal, like every other command.
    doctor: (deps) => runDoctor({ dataDir: deps.dataDir, env, ...(passphrase && { passphrase }) }),
  });
  return {
    core,
    backend: secrets.backend,
    dataDir,
    async dispose() {
      await core.dispose().catch(() => undefined);
      await http.close();
    },
  };
}

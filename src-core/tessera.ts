/**
 * `createTessera(ports)`: the one service every face (Electron main, CLI, e2e harness)
 * uses. It composes the config store, the secret store, profiles, tokens, the
 * clipboard, settings and events over the injected ports; nothing here knows which
 * face is calling.
 *
 * The offline cache (tests, cases, sync) plugs in as a facade built from the same deps
 * (`CoreDeps`): `lazyCacheFromCore` (src-core/cache/lazy.ts) by default, or
 * `options.cache`. The cache code, and SQLite, load only when a cache method is first
 * used, and the doctor only when it runs: `tessera token` needs neither.
 *
 * Lock states: `locked` is the idle lock (lock()/unlock()). A file vault opened on the
 * app's own screen (no TESSERA_VAULT_PASSPHRASE, no prompt) adds a second reason: while
 * it holds no key, every method that needs secrets fails with VAULT_LOCKED, the app
 * reports itself locked, and only unlockVault(passphrase) ends both. lock() makes the
 * vault forget its key too, so after an idle lock the passphrase is asked again.
 */
import type { TesseraApi, TesseraEvent } from '../src-shared/contract.js';
import type { AppInfo, CopyResult, DoctorReport } from '../src-shared/schemas.js';
import {
  SettingsPatchSchema,
  SettingsSchema,
  TokenFormatSchema,
  TokenOptionsSchema,
  VaultPassphraseSchema,
  VaultUnlockOptionsSchema,
  type Settings,
  type TokenOptions,
  type VaultState,
} from '../src-shared/base-schemas.js';
import { join } from 'node:path';
import { lazyCacheFromCore } from './cache/lazy.js';
import { openConfigStore } from './config/store.js';
import { withFileLock } from './config/lock.js';
import type { ConfigStore, StoredProfile } from './config/types.js';
import { TesseraError } from './errors.js';
import { createEventBus, type EventBus } from './events.js';
import { createHttp, type Http, type HttpDeps } from './http/request.js';
import type { RetryPolicy } from './http/retry.js';
import { createIcaClient, type IcaClient } from './ica/client.js';
import { isPassphraseVault, systemClock, systemTimers, type Clock, type Logger, type Ports, type SecretStore } from './ports.js';
import { createProfileService, parseInput, type ProfileService } from './profiles/service.js';
import { icaUrlOf, toProfileView, tssUrlOf } from './profiles/view.js';
import { createClipboardHygiene, type ClipboardHygiene } from './clipboard/hygiene.js';
import { formatToken } from './clipboard/format.js';
import type { TesseraCore } from './service.js';
import type { CachedToken } from './tokens/record.js';
import { createTokenService, type TokenService } from './tokens/service.js';

/** The contract's offline-cache methods, implemented by the cache module. */
export type CacheApi = Pick<TesseraApi, 'listTests' | 'searchCases' | 'getCase' | 'getCacheStatus' | 'sync' | 'cancelSync' | 'listAuditEvents'>;

export interface CacheFacade extends CacheApi {
  /** Lock: close databases and forget keys. */
  lock?(): Promise<void>;
  unlock?(): Promise<void>;
  /** A profile is about to be removed: close its database so its files can go. */
  beforeRemove?(profile: StoredProfile): Promise<void>;
  dispose?(): Promise<void>;
}

/** Everything a module composed into the core may use. */
export interface CoreDeps {
  ports: Ports;
  clock: Clock;
  logger: Logger | undefined;
  dataDir: string;
  config: ConfigStore;
  secrets: SecretStore;
  events: EventBus;
  http: Http;
  ica: IcaClient;
  profiles: ProfileService;
  tokens: TokenService;
  settings(): Promise<Settings>;
  /** Throws LOCKED while the app is locked. */
  assertUnlocked(): void;
  /** A fresh token for a profile, under the token policy (used by the TSS client). */
  token(profile: StoredProfile, options?: TokenOptions): Promise<{ token: string }>;
}

export interface TesseraOptions {
  /** Defaults to `openConfigStore(ports.paths.dataDir)`. */
  config?: ConfigStore;
  /** Builds the offline cache from the core's deps. */
  cache?: (deps: CoreDeps) => CacheFacade;
  /** Tests: faster retries, a deterministic sleep. */
  http?: Pick<HttpDeps, 'sleep' | 'random'> & { retry?: Partial<RetryPolicy> };
  /** `doctor()` implementation; defaults to runDoctor for the store's backend. */
  doctor?: (deps: CoreDeps) => Promise<DoctorReport>;
  /** Pause after the n-th wrong vault passphrase in a row (default: vaultRetryDelayMs). */
  vaultRetryDelayMs?: (failures: number) => number;
}

/**
 * After a wrong vault passphrase: nothing for the first (a typo), then 0.5, 1, 2 and
 * at most 4 seconds. Attempts run one at a time, so guessing through the app's API
 * costs this on top of scrypt's own cost; a stolen vault.json is protected by scrypt.
 */
export function vaultRetryDelayMs(failures: number): number {
  return failures < 2 ? 0 : Math.min(500 * 2 ** (failures - 2), 4000);
}

class LockWaitTimeout extends Error {}

/**
 * One mint per profile across processes (the app and any CLI runs share the data dir).
 * A mint can take a while (timeouts, retries), so the lock is considered stale only
 * after two minutes or when its owner process is gone; if it cannot be had in time we
 * mint anyway: a second token is harmless, a failed token request is not.
 */
async function mintLock<T>(lockPath: string, fn: () => Promise<T>, logger: Logger | undefined): Promise<T> {
  let ran = false;
  try {
    return await withFileLock(
      lockPath,
      () => {
        ran = true;
        return fn();
      },
      { timeoutMs: 90_000, staleMs: 120_000, onTimeout: () => new LockWaitTimeout() },
    );
  } catch (error) {
    if (ran) throw error;
    logger?.warn('token lock unavailable; minting without it', { reason: error instanceof LockWaitTimeout ? 'timeout' : (error as { code?: string }).code });
    return fn();
  }
}

/** The full doctor for real backends; it probes the keychain itself and checks the data dir, config and vault. */
async function defaultDoctor(deps: CoreDeps): Promise<DoctorReport> {
  const backend = deps.secrets.backend;
  if (backend === 'memory') return basicDoctor(deps);
  const store = deps.secrets as SecretStore & { probe?: () => Promise<void> };
  const probe = store.probe;
  // Loaded when it runs: the doctor (and the file vault it checks) is not on any hot path.
  const { appVaultOf, runDoctor } = await import('./doctor.js');
  return runDoctor({
    dataDir: deps.dataDir,
    backend,
    ...(backend === 'keychain' && probe ? { keychain: () => ({ probe: () => probe.call(store) }) } : {}),
    ...appVaultOf(deps.secrets),
  });
}

/** A minimal doctor for the in-memory store (tests): can we read the config and reach the secret store? */
async function basicDoctor(deps: CoreDeps): Promise<DoctorReport> {
  const checks: DoctorReport['checks'] = [];
  try {
    const cfg = await deps.config.read();
    checks.push({ name: 'config', ok: true, detail: `${deps.config.path} (${cfg.profiles.length} profile(s))` });
  } catch (error) {
    const e = error as TesseraError;
    checks.push({ name: 'config', ok: false, detail: e.message ?? 'unreadable', hint: e.action });
  }
  try {
    await deps.secrets.get('doctor/probe');
    checks.push({ name: 'secrets', ok: true, detail: `${deps.secrets.backend} backend reachable` });
  } catch (error) {
    const e = error as TesseraError;
    checks.push({ name: 'secrets', ok: false, detail: e.message ?? 'unreachable', hint: e.action });
  }
  return {
    ok: checks.every((c) => c.ok),
    dataDir: deps.dataDir,
    secretBackend: deps.secrets.backend === 'file' ? 'file' : 'keychain',
    checks,
  };
}

export function createTessera(ports: Ports, options: TesseraOptions = {}): TesseraCore {
  const clock = ports.clock ?? systemClock;
  const timers = ports.timers ?? systemTimers;
  const logger = ports.logger;
  const dataDir = ports.paths.dataDir;
  const config = options.config ?? openConfigStore(dataDir);
  const secrets = ports.secrets;
  const events = createEventBus(logger);
  /** The file vault, when secrets live in one (null with the keychain or the memory store). */
  const vault = isPassphraseVault(secrets) ? secrets : null;
  let locked = false;
  let disposed = false;
  /** Wrong vault passphrases in a row (for the retry delay); attempts are chained one after another. */
  let vaultFailures = 0;
  let vaultAttempts: Promise<unknown> = Promise.resolve();
  const retryDelay = options.vaultRetryDelayMs ?? vaultRetryDelayMs;

  /** True while the file vault has no key and nothing but the person can give its passphrase. */
  const vaultWaiting = (): boolean => vault?.needsPassphrase() ?? false;

  async function vaultState(): Promise<VaultState | null> {
    if (!vault) return null;
    if (!vault.needsPassphrase()) return 'open';
    return (await vault.exists()) ? 'locked' : 'new';
  }

  async function settings(): Promise<Settings> {
    return SettingsSchema.parse((await config.read()).settings ?? {});
  }

  const http = createHttp({
    fetch: ports.fetch,
    clock,
    timeoutMs: async () => (await settings()).requestTimeoutSeconds * 1000,
    ...(logger ? { logger } : {}),
    ...(options.http ?? {}),
  });
  const ica = createIcaClient(http);

  // Profiles and tokens need each other (verify on add; rejection marks; rotation voids
  // tokens): the hooks close over `tokens`, which exists before any hook can run.
  // eslint-disable-next-line prefer-const
  let tokens: TokenService, cache: CacheFacade;
  const profiles = createProfileService({
    config,
    secrets,
    clock,
    dataDir,
    events,
    ...(logger ? { logger } : {}),
    hooks: {
      verify: (profile, credential) => tokens.verify(profile, credential),
      verified: (profile, result) => tokens.adopt(profile, result as CachedToken),
      tokenInvalidated: (profile) => tokens.forget(profile),
      beforeRemove: async (profile) => {
        await cache.beforeRemove?.(profile);
      },
    },
  });
  tokens = createTokenService({
    ica,
    secrets,
    clock,
    profiles,
    minTtlSeconds: async () => (await settings()).minTtlSeconds,
    crossProcessLock: (profileId, fn) => mintLock(join(dataDir, 'locks', `token-${profileId}.lock`), fn, logger),
    events,
    ...(logger ? { logger } : {}),
  });
  const clipboard: ClipboardHygiene = createClipboardHygiene({
    ...(ports.clipboard ? { clipboard: ports.clipboard } : {}),
    timers,
    clock,
    clearSeconds: async () => (await settings()).clipboardClearSeconds,
    events,
    ...(logger ? { logger } : {}),
  });

  function assertAlive(): void {
    if (disposed) throw new TesseraError('INTERNAL', 'Tessera has been shut down.');
  }

  /** Ends a lock (idle, or the vault's wait for its passphrase): the cache may open again, and the faces hear of it. */
  async function endLock(): Promise<void> {
    locked = false;
    await cache.unlock?.();
    events.emit({ type: 'unlocked' });
  }

  function assertUnlocked(): void {
    assertAlive();
    if (vaultWaiting()) throw new TesseraError('VAULT_LOCKED', 'The file vault is locked: enter its passphrase to unlock Tessera.');
    if (locked) throw new TesseraError('LOCKED', 'Tessera is locked.');
  }

  function tokenOptions(value: TokenOptions | undefined): TokenOptions {
    return value === undefined ? {} : parseInput(TokenOptionsSchema, value, 'Invalid token options');
  }

  async function token(name: string, opts?: TokenOptions) {
    assertUnlocked();
    const parsed = tokenOptions(opts);
    const profile = await profiles.get(name);
    return tokens.ensure(profile, parsed);
  }

  const deps: CoreDeps = {
    ports,
    clock,
    logger,
    dataDir,
    config,
    secrets,
    events,
    http,
    ica,
    profiles,
    tokens,
    settings,
    assertUnlocked,
    token: async (profile, opts) => {
      assertUnlocked();
      return tokens.ensure(profile, opts ?? {});
    },
  };
  cache = (options.cache ?? lazyCacheFromCore)(deps);
  const doctor = options.doctor ?? defaultDoctor;

  /** The one lock guard for every pure delegation: refuses when locked or disposed, then calls through. */
  const guarded =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      assertUnlocked();
      return fn(...args);
    };

  const core: TesseraCore = {
    // Profiles
    // Reading the (non-secret) list is allowed while locked; changing profiles is not.
    listProfiles: () => profiles.list(),
    addProfile: guarded(profiles.add),
    updateProfile: guarded(profiles.update),
    removeProfile: guarded(profiles.remove),
    replaceCredential: guarded(profiles.replaceCredential),

    // Tokens
    async getTokenStatus(name) {
      assertUnlocked();
      return tokens.status(await profiles.get(name));
    },
    async ensureToken(name, opts) {
      return (await token(name, opts)).status;
    },
    revealToken: (name, opts) => token(name, opts),
    token,
    async copyToken(name, format): Promise<CopyResult> {
      assertUnlocked();
      const fmt = parseInput(TokenFormatSchema, format, 'Invalid format');
      if (!clipboard.available) throw new TesseraError('INTERNAL', 'No clipboard is available here; print the token instead (tessera token).');
      const profile = await profiles.get(name);
      const { token: jwt, status } = await tokens.ensure(profile);
      const view = toProfileView(profile);
      const text = formatToken(fmt, jwt, { domain: view.domain, tssUrl: view.tssUrl, ...(view.workgroup ? { workgroup: view.workgroup } : {}) });
      const { clearsAt } = await clipboard.copy(text);
      const result: CopyResult = { profile: profile.name, format: fmt, expiresAt: status.expiresAt, clearsAt };
      events.emit({ type: 'copied', result });
      return result;
    },
    async execEnvironment(name, opts) {
      const { token: jwt } = await token(name, opts);
      const profile = await profiles.get(name);
      const env: Record<string, string> = {
        ICAV2_ACCESS_TOKEN: jwt,
        ICAV2_SERVER_URL: icaUrlOf(profile),
        TESSERA_TSS_URL: tssUrlOf(profile),
        TESSERA_DOMAIN: profile.domain,
        TESSERA_PROFILE: profile.name,
      };
      if (profile.workgroup) env.TESSERA_WORKGROUP = profile.workgroup;
      return env;
    },

    // Settings and diagnostics
    getSettings: () => settings(),
    async updateSettings(patch) {
      assertUnlocked();
      const parsed = parseInput(SettingsPatchSchema, patch, 'Invalid settings');
      const next = await config.update((cfg) => {
        // A null in the patch removes the setting (defaultProfile: null is "the first profile").
        cfg.settings = SettingsSchema.parse(Object.fromEntries(Object.entries({ ...cfg.settings, ...parsed }).filter(([, v]) => v !== null)));
        return cfg;
      });
      const result = SettingsSchema.parse(next.settings);
      events.emit({ type: 'settings-changed', settings: result });
      return result;
    },
    doctor: () => doctor(deps),
    async getAppInfo(): Promise<AppInfo> {
      return {
        version: ports.appInfo?.version ?? 'dev',
        platform: process.platform,
        dataDir,
        locked: locked || vaultWaiting(),
        vault: await vaultState(),
        versions: ports.appInfo?.versions ?? { node: process.versions.node },
      };
    },

    // Offline cache: delegated to the cache facade, locked like tokens.
    listTests: guarded(cache.listTests),
    searchCases: guarded(cache.searchCases),
    getCase: guarded(cache.getCase),
    getCacheStatus: guarded(cache.getCacheStatus),
    sync: guarded(cache.sync),
    cancelSync: (name) => cache.cancelSync(name),
    listAuditEvents: guarded(cache.listAuditEvents),

    // Desktop session
    async startDemo() {
      assertUnlocked();
      if (!ports.demo) throw new TesseraError('INTERNAL', 'Demo mode is not available here (no embedded simulator).');
      const demo = await ports.demo();
      return profiles.upsertDemo(demo);
    },
    async lock() {
      if (locked) return;
      locked = true;
      // Like Bitwarden: forget what is sensitive in memory; the keychain keeps its entries.
      tokens.forgetMemory();
      // The file vault forgets its derived key: without TESSERA_VAULT_PASSPHRASE, the passphrase is asked again.
      vault?.lock();
      await clipboard.clearNow().catch(() => false);
      await cache.lock?.();
      const state = await vaultState().catch(() => null);
      events.emit(state ? { type: 'locked', vault: state } : { type: 'locked' });
    },
    async unlock() {
      assertAlive();
      if (vaultWaiting()) throw new TesseraError('VAULT_LOCKED', 'The file vault is locked: enter its passphrase to unlock Tessera.');
      if (locked) await endLock();
    },
    unlockVault(passphrase, opts) {
      const attempt = vaultAttempts.then(async () => {
        assertAlive();
        if (!vault) throw new TesseraError('INVALID_INPUT', 'Tessera keeps its secrets in the OS keychain here: there is no vault passphrase to enter.');
        const typed = parseInput(VaultPassphraseSchema, passphrase, 'Invalid passphrase');
        const { create } = opts === undefined ? {} : parseInput(VaultUnlockOptionsSchema, opts, 'Invalid unlock options');
        const wasLocked = locked || vaultWaiting();
        try {
          await vault.unlockWith(typed, { create: create === true });
        } catch (error) {
          if (error instanceof TesseraError && error.code === 'VAULT_BAD_PASSPHRASE') {
            vaultFailures += 1;
            // Never the passphrase: only that one was refused, and how many in a row.
            logger?.warn('file vault passphrase refused', { failures: vaultFailures });
            const ms = retryDelay(vaultFailures);
            if (ms > 0) await new Promise<void>((done) => timers.setTimeout(done, ms));
          }
          throw error;
        }
        vaultFailures = 0;
        if (wasLocked) await endLock();
      });
      vaultAttempts = attempt.catch(() => undefined);
      return attempt;
    },

    onEvent: (listener: (event: TesseraEvent) => void) => events.on(listener),
    async dispose() {
      if (disposed) return;
      disposed = true;
      // Quitting: leave no token on the clipboard (only if it is still ours).
      await clipboard.clearNow().catch(() => false);
      clipboard.dispose();
      tokens.forgetMemory();
      await cache.dispose?.();
      events.clear();
    },
  };
  return core;
}

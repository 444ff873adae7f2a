/**
 * `createTessera(ports)`: the one service every face (Electron main, CLI, harness) uses.
 * This file only wires the core's services together; each owns its state and takes
 * the narrow services it needs (docs/architecture.md draws the picture):
 *
 *   ConfigStore ── Settings            settings (read once, re-read when config.json changed)
 *        └──────── ProfileRepository ── profiles and their secrets (one lookup rule)
 *   SecretStore ─┘         │
 *   Session ──────────────────────────── idle lock, file vault's lock, retry pause
 *   Tokens (repo) · Clipboard · Cache (repo, settings, session) · Profiles (repo, tokens, cache)
 *   Exec environment (repo, tokens, ICA projects) · token endpoints (tokens; loopback/server.ts), closed by dispose
 *   AWS credentials (repo, tokens, ICA projects and project data) · AWS container-credentials endpoints (the same loopback server)
 *
 * The offline cache loads on first use (cache/lazy.ts), the doctor when it runs, the
 * icav2 import (and its YAML parser) when asked: `tessera token` evaluates none of them.
 */
import type { TesseraEvent } from '../src-shared/contract.js';
import { TokenFormatSchema, TokenOptionsSchema, type TokenOptions } from '../src-shared/base-schemas.js';
import { lazyCacheFromCore } from './cache/lazy.js';
import type { CacheService, CacheWiring } from './cache/service.js';
import { createTokenCopier } from './clipboard/copy.js';
import { createClipboardHygiene } from './clipboard/hygiene.js';
import { createSnippetCopier } from './clipboard/snippets.js';
import { openConfigStore } from './config/store.js';
import type { ConfigStore } from './config/types.js';
import { defaultDoctor, type Doctor } from './diagnostics.js';
import { TesseraError } from './errors.js';
import { createEventBus } from './events.js';
import { createExecEnvironment } from './exec/environment.js';
import { createEndpointTracker } from './loopback/tracker.js';
import { createHttp, type HttpDeps } from './http/request.js';
import type { RetryPolicy } from './http/retry.js';
import { createIcaClient } from './ica/client.js';
import { createIcaProjectsClient } from './ica/projects.js';
import { systemClock, systemTimers, type Ports } from './ports.js';
import { createProfileRepository } from './profiles/repository.js';
import { createProfileService } from './profiles/service.js';
import { createTssAccessCheck } from './profiles/tss-check.js';
import { lazy } from './lazy.js';
import { homedir } from 'node:os';
import type { TesseraCore } from './service.js';
import { createSession } from './session.js';
import { createSettingsService } from './settings.js';
import { mintLock } from './tokens/lock.js';
import { createTokenService } from './tokens/service.js';
import { createTokenText } from './tokens/text.js';
import { parseInput } from './validate.js';

export interface TesseraOptions {
  /** Defaults to `openConfigStore(ports.paths.dataDir)`. */
  config?: ConfigStore;
  /** Builds the offline cache from the services the core hands it (tests shorten its retries). */
  cache?: (wiring: CacheWiring) => CacheService;
  /** The cache writer's worker script (cache/writer.ts), which each face's build emits next to its bundle. */
  cacheWriter?: URL;
  /** Tests: faster retries, a deterministic sleep. */
  http?: Pick<HttpDeps, 'sleep' | 'random'> & { retry?: Partial<RetryPolicy> };
  /** `doctor()` implementation; defaults to the full doctor for the store's backend. */
  doctor?: Doctor;
  /** Pause after the n-th wrong vault passphrase in a row (default: session.ts vaultRetryDelayMs). */
  vaultRetryDelayMs?: (failures: number) => number;
}

export function createTessera(ports: Ports, options: TesseraOptions = {}): TesseraCore {
  const { logger, secrets } = ports;
  const log = logger ? { logger } : {};
  const clock = ports.clock ?? systemClock;
  const timers = ports.timers ?? systemTimers;
  const dataDir = ports.paths.dataDir;
  const events = createEventBus(logger);
  const config = options.config ?? openConfigStore(dataDir);
  const settings = createSettingsService({ config, events });
  const repo = createProfileRepository({ config, secrets, events });
  const session = createSession({ secrets, events, timers, ...log, ...(options.vaultRetryDelayMs ? { retryDelayMs: options.vaultRetryDelayMs } : {}) });
  const setting = <K extends 'minTtlSeconds' | 'clipboardClearSeconds' | 'requestTimeoutSeconds'>(key: K) => async () => (await settings.get())[key];
  const http = createHttp({ fetch: ports.fetch, clock, timeoutMs: async () => (await setting('requestTimeoutSeconds')()) * 1000, ...log, ...options.http });
  const ica = createIcaClient(http);
  const tokens = createTokenService({ ica, clock, profiles: repo, minTtlSeconds: setting('minTtlSeconds'), crossProcessLock: mintLock(dataDir, logger), events, ...log });
  const clipboard = createClipboardHygiene({ ...(ports.clipboard ? { clipboard: ports.clipboard } : {}), timers, clock, clearSeconds: setting('clipboardClearSeconds'), events, ...log });
  const bearerToken = async (profile: Parameters<typeof tokens.ensure>[0], o: { force?: boolean }) => (await tokens.ensure(profile, o.force ? { force: true } : {})).token;
  const defaultCache = (wiring: CacheWiring) => lazyCacheFromCore(wiring, options.cacheWriter ? { writerScript: options.cacheWriter } : undefined);
  const cache = (options.cache ?? defaultCache)({ profiles: repo, settings, session, http, dataDir, clock, emit: events.emit, bearerToken, ...log });
  const profiles = createProfileService({ repo, clock, tokens, cache, tssCheck: createTssAccessCheck(http), ...log });
  session.participate({ lock: () => tokens.forgetMemory() });
  session.participate({ lock: () => clipboard.clearNow() });
  session.participate(cache);
  // Loaded when used: the YAML parser and the snippets are no part of `tessera token`.
  const icav2 = lazy(async () => (await import('./import/icav2.js')).createIcav2Importer({ home: () => ports.paths.home ?? homedir(), profiles, ...log }));
  const copySnippet = createSnippetCopier({ profiles: repo, clipboard });
  const tokenText = createTokenText({ profiles: repo, tokens });
  const copyToken = createTokenCopier({ tokenText, clipboard, events });
  const icaProjects = createIcaProjectsClient(http);
  const execEnvironment = createExecEnvironment({ profiles: repo, tokens, projects: icaProjects });
  // Loaded when used, like the loopback server: no part of `tessera token`.
  const awsAccess = lazy(async () => (await import('./aws/access.js')).createAwsAccess({ profiles: repo, tokens, http, projects: icaProjects, clipboard, clock, ...log }));
  const endpoints = createEndpointTracker();
  const doctor = options.doctor ?? defaultDoctor;
  const tokenOptions = (o: unknown): TokenOptions => (o === undefined ? {} : parseInput(TokenOptionsSchema, o, 'Invalid token options'));
  /** The one lock guard: refuses while locked or shut down, then calls through. */
  const guarded =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      session.assertUnlocked();
      return fn(...args);
    };
  const token = guarded(async (name: string, o?: TokenOptions) => tokens.ensure(await repo.find(name), tokenOptions(o)));
  return {
    listProfiles: () => profiles.list(),
    addProfile: guarded(profiles.add),
    updateProfile: guarded(profiles.update),
    removeProfile: guarded(profiles.remove),
    replaceCredential: guarded(profiles.replaceCredential),
    exportProfiles: guarded(async (names) => profiles.exportProfiles(names)),
    importProfiles: guarded(profiles.importProfiles),
    findIcav2Config: guarded(async (o) => (await icav2()).find(o)),
    importIcav2: guarded(async (o) => (await icav2()).import(o)),
    copySnippet: guarded(copySnippet),
    getTokenStatus: guarded(async (name) => tokens.status(await repo.find(name))),
    ensureToken: async (name, o) => (await token(name, o)).status,
    revealToken: token,
    token,
    tokenText: guarded(async (name, format, o) => tokenText(name, parseInput(TokenFormatSchema, format, 'Invalid format'), tokenOptions(o))),
    copyToken: guarded(copyToken),
    execEnvironment: guarded(execEnvironment),
    serveToken: guarded(async (name, o) => {
      const options = tokenOptions(o);
      await repo.find(name);
      const { startTokenEndpoint } = await import('./exec/token-endpoint.js');
      return endpoints.track(await startTokenEndpoint({ token: () => token(name, options), ...log }));
    }),
    awsCredentials: guarded(async (name, request) => (await awsAccess()).credentials(name, request)),
    serveAwsCredentials: guarded(async (name, request) => endpoints.track(await (await awsAccess()).startEndpoint(name, request))),
    listIcaProjects: guarded(async (name) => (await awsAccess()).listProjects(name)),
    ensureAwsAccess: guarded(async (name, request) => (await awsAccess()).ensureAccess(name, request)),
    copyAwsCommand: guarded(async (name, request, kind) => (await awsAccess()).copyCommand(name, request, kind)),
    getSettings: () => settings.get(),
    updateSettings: guarded(settings.update),
    doctor: () => doctor({ dataDir, secrets, profiles: repo }),
    getAppInfo: async () => ({
      version: ports.appInfo?.version ?? 'dev',
      platform: process.platform,
      dataDir,
      ...(await session.state()),
      versions: ports.appInfo?.versions ?? { node: process.versions.node },
    }),
    listTests: guarded(cache.listTests),
    searchCases: guarded(cache.searchCases),
    caseFacets: guarded(cache.caseFacets),
    getCase: guarded(cache.getCase),
    getReport: guarded(cache.getReport),
    getReportPdf: guarded(cache.getReportPdf),
    exportReportPdf: guarded(async (name, id, reportTypeId, o) => {
      // The contract's schemas load with the cache, not with `tessera token`.
      const options = o === undefined ? {} : parseInput((await import('../src-shared/schemas.js')).ExportPdfOptionsSchema, o, 'Invalid export options');
      if (!ports.files) throw new TesseraError('INTERNAL', 'Saving a PDF is not available here; use `tessera report --pdf <file>`.');
      const pdf = await cache.getReportPdf(name, id, reportTypeId);
      const written = await ports.files.savePdf(pdf.data.fileName, pdf.data.bytes, { open: options.open === true });
      return written === null ? { saved: false } : { saved: true, fileName: written };
    }),
    getCacheStatus: guarded(cache.getCacheStatus),
    sync: guarded(cache.sync),
    cancelSync: (name) => cache.cancelSync(name),
    listAuditEvents: guarded(cache.listAuditEvents),
    startDemo: guarded(async () => {
      if (!ports.demo) throw new TesseraError('INTERNAL', 'Demo mode is not available here (no embedded simulator).');
      return profiles.upsertDemo(await ports.demo());
    }),
    lock: () => session.lock(),
    unlock: () => session.unlock(),
    unlockVault: (passphrase, o) => session.unlockVault(passphrase, o),
    onEvent: (listener: (event: TesseraEvent) => void) => events.on(listener),
    async dispose() {
      if (!session.end()) return;
      await endpoints.closeAll();
      // Quitting: leave no token on the clipboard (only if it is still ours).
      await clipboard.clearNow().catch(() => false);
      clipboard.dispose();
      tokens.forgetMemory();
      await cache.dispose();
      events.clear();
    },
  };
}

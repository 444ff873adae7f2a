/**
 * The offline-cache facade: the contract's cache methods (listTests, searchCases,
 * caseFacets, getCase, getCacheStatus, sync, cancelSync) over the encrypted store, the
 * TSS client and the sync engine, plus the lifecycle hooks createTessera calls (lock,
 * profile removal, dispose).
 *
 * Reading never needs the network:
 * - searchCases, caseFacets and listAuditEvents read only the cache (the first runs on
 *   every keystroke; the audit service is too slow to ask interactively).
 * - listTests and getCase read the cache and, when the server answers within a short
 *   timeout, refresh what they return first. A failed refresh is not an error: the
 *   cached data comes back with `offline: true` (server unreachable) or `stale: true`
 *   (any other failure). Only a case that is neither cached nor reachable fails.
 * - After the server was unreachable, reads skip the network for `offlineRetryMs`, so
 *   a dropped VPN does not make every click wait for a timeout.
 *
 * The SQLite module is loaded on first use only (see sqlite.ts).
 */
import { join } from 'node:path';
import type { TesseraApi, TesseraEvent } from '../../src-shared/contract.js';
import {
  AuditQuerySchema,
  CaseQuerySchema,
  type AuditList,
  type CacheStatus,
  type CaseDetail,
  type CaseReport,
  type ReportPdf,
  type CaseSearchResult,
  type CaseFacets,
  type Cached,
  type Freshness,
  type SyncOptions,
  type SyncProgress,
  type SyncResult,
  type TestDefinition,
} from '../../src-shared/schemas.js';
import { withFileLock } from '../config/lock.js';
import type { StoredProfile } from '../config/types.js';
import { TesseraError } from '../errors.js';
import type { Http } from '../http/request.js';
import type { RetryPolicy } from '../http/retry.js';
import type { Clock, Logger } from '../ports.js';
import { systemClock } from '../ports.js';
import type { ProfileRepository } from '../profiles/repository.js';
import { tssUrlOf } from '../profiles/view.js';
import type { SettingsService } from '../settings.js';
import { parseInput } from '../validate.js';
import { runSync, type ProgressUpdate } from '../sync/engine.js';
import { AUDIT_TIMEOUT_SCALE, createTssClient, type SearchVersion, type TssClient } from '../tss/client.js';
import { normalizeDate } from '../tss/dates.js';
import { toCaseInput, toReportInput, toTestDefinition } from '../tss/normalize.js';
import type { SyncReports } from '../../src-shared/rules.js';
import { cacheFile, deleteCacheFiles } from './paths.js';
import { caseFacets as facetCounts, searchRows } from './search.js';
import { isCorruptionError } from './sqlite.js';
import { corruptError, openCache, setAside, type CacheStore } from './store.js';
import { isUuid } from '../../src-shared/rules.js';

type CacheApi = Pick<TesseraApi, 'listTests' | 'searchCases' | 'caseFacets' | 'getCase' | 'getReport' | 'getCacheStatus' | 'sync' | 'cancelSync' | 'listAuditEvents'>;

export interface CacheService extends CacheApi {
  /** One report type's PDF: from the server when it answers, else from the cache (bytes; patient data, never logged). */
  getReportPdf(name: string, idOrDisplayId: string, reportTypeId: string): Promise<Cached<ReportPdf>>;
  /** Cancels syncs and closes every database (the app locked itself); reads reopen lazily after unlock. */
  lock(): Promise<void>;
  /** Nothing to reopen: databases open lazily on the next read. */
  unlock(): Promise<void>;
  /** A profile is being removed: stop its sync, close its database and delete its files. */
  beforeRemove(profile: StoredProfile): Promise<void>;
  dispose(): Promise<void>;
}

export interface CacheServiceOptions {
  /** Data older than this is `stale` (default 24 h). */
  staleAfterMs?: number;
  /** After the server was unreachable, reads skip the network this long (default 30 s). */
  offlineRetryMs?: number;
  /** Per-attempt timeout of the refresh a read tries (default 10 s). */
  readTimeoutMs?: number;
  pageSize?: number;
  concurrency?: number;
  detailConcurrency?: number;
  /** Days of audit log to cache on each sync; when absent the `syncAuditDays` setting decides. */
  auditDays?: number;
  /** Report requests in flight during a sync (default 4). */
  reportConcurrency?: number;
  /** Retry policy of sync requests (tests shorten it). */
  retry?: Partial<RetryPolicy>;
  /** Cases per write transaction (default the engine's BATCH_CASES). */
  batchCases?: number;
  /** The cache writer's worker script, built next to each face's bundle; absent: pages are written on the sync's own connection. */
  writerScript?: URL;
}

interface CacheServiceDeps {
  /** Profiles (one lookup rule), their credentials (read once per operation), the search-version memory, the cache key. */
  profiles: Pick<ProfileRepository, 'find' | 'update' | 'credentials' | 'cacheKeySlot'>;
  settings: Pick<SettingsService, 'get'>;
  /** The session's lock: no database opens while Tessera is locked. */
  session: { assertUnlocked(): void };
  /** The shared HTTP helper (timeouts, retries honouring Retry-After, typed errors). */
  http: Http;
  /** A fresh ICA JWT for a Basic profile (the token service's policy). */
  bearerToken(profile: StoredProfile, options: { force?: boolean }): Promise<string>;
  dataDir: string;
  clock?: Clock;
  logger?: Logger;
  emit?(event: TesseraEvent): void;
  options?: CacheServiceOptions;
}

const DEFAULT_STALE_AFTER_MS = 24 * 3600_000;

/** Errors that mean "the server could not be reached or could not serve us now". */
const UNREACHABLE: ReadonlySet<string> = new Set(['NETWORK', 'TIMEOUT', 'SERVER_ERROR', 'RATE_LIMITED']);

function isUnreachable(error: unknown): boolean {
  return error instanceof TesseraError && UNREACHABLE.has(error.code);
}

interface ProfileState {
  store?: Promise<CacheStore>;
  sync?: { controller: AbortController; promise: Promise<SyncResult> };
  /** When the server was last found unreachable (ms); cleared by any success. */
  unreachableAt?: number;
}

function createCacheService(deps: CacheServiceDeps): CacheService {
  const clock = deps.clock ?? systemClock;
  const opts = deps.options ?? {};
  const staleAfterMs = opts.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;
  const offlineRetryMs = opts.offlineRetryMs ?? 30_000;
  const readTimeoutMs = opts.readTimeoutMs ?? 10_000;
  const states = new Map<string, ProfileState>();

  function state(profile: StoredProfile): ProfileState {
    let s = states.get(profile.id);
    if (!s) {
      s = {};
      states.set(profile.id, s);
    }
    return s;
  }

  const profileNamed = (name: string): Promise<StoredProfile> => deps.profiles.find(name);
  const assertUnlocked = (): void => deps.session.assertUnlocked();

  /** The profile's open store; `recreate` (sync) replaces a damaged file at once, reads report it. */
  async function storeFor(profile: StoredProfile, onCorrupt: 'throw' | 'recreate'): Promise<CacheStore> {
    assertUnlocked();
    const s = state(profile);
    if (s.store) {
      const store = await s.store.catch(() => undefined);
      if (store?.isOpen) {
        // The opt-in may have been turned off since the store was opened (a meta lookup when nothing is to do).
        store.purgeIdentifiersIfNeeded(profile.includeIdentifiers);
        return store;
      }
      s.store = undefined;
    }
    const opening = openCache({
      dataDir: deps.dataDir,
      profileId: profile.id,
      key: deps.profiles.cacheKeySlot(profile),
      clock,
      onCorrupt,
      ...(deps.logger ? { logger: deps.logger } : {}),
    }).then(({ store, setAside: movedTo }) => {
      if (movedTo) deps.logger?.warn('offline cache rebuilt', { profile: profile.name });
      store.purgeIdentifiersIfNeeded(profile.includeIdentifiers);
      return store;
    });
    s.store = opening;
    try {
      return await opening;
    } catch (error) {
      if (s.store === opening) s.store = undefined;
      throw error;
    }
  }

  /** Runs `fn` on the store; a corruption found on the way sets the file aside and reports CACHE_CORRUPT. */
  async function withStore<T>(profile: StoredProfile, fn: (store: CacheStore) => T | Promise<T>, onCorrupt: 'throw' | 'recreate' = 'throw'): Promise<T> {
    const store = await storeFor(profile, onCorrupt);
    try {
      return await fn(store);
    } catch (error) {
      if (!isCorruptionError(error)) throw error;
      const s = state(profile);
      // A read that finds damage stops a running sync, whose connection is about to close.
      if (onCorrupt === 'throw') s.sync?.controller.abort();
      store.close();
      s.store = undefined;
      const movedTo = await setAside(cacheFile(deps.dataDir, profile.id), clock);
      deps.logger?.warn('offline cache set aside', { profile: profile.name, code: (error as { code?: string }).code });
      throw corruptError(movedTo, error);
    }
  }

  /** A TSS client for one operation (a read, a sync): it reads the profile's credential once. */
  function clientFor(profile: StoredProfile, kind: 'read' | 'sync', auditTimeoutMs?: number): TssClient {
    const credentials = deps.profiles.credentials();
    return createTssClient({
      http: deps.http,
      baseUrl: tssUrlOf(profile),
      domain: profile.domain,
      ...(profile.workgroup ? { workgroup: profile.workgroup } : {}),
      ...(profile.tssSearchVersion ? { searchVersion: profile.tssSearchVersion } : {}),
      credential: async (o) => {
        if (profile.credentialKind === 'basic') return { kind: 'bearer', token: await deps.bearerToken(profile, o ?? {}) };
        const credential = await credentials.read(profile);
        if (credential.kind !== 'api-key') throw new TesseraError('INTERNAL', 'An API-key profile holds another kind of credential.');
        return { kind: 'api-key', apiKey: credential.apiKey };
      },
      onSearchVersion: (v) => rememberSearchVersion(profile, v),
      ...(auditTimeoutMs !== undefined ? { auditTimeoutMs } : {}),
      ...(kind === 'read'
        ? // Interactive reads: a short wait and one retry; the cached answer is already at hand.
          { timeoutMs: readTimeoutMs, retry: { maxAttempts: 2, budgetMs: readTimeoutMs } }
        : opts.retry
          ? { retry: opts.retry }
          : {}),
    });
  }

  /** Which case-search version the tenant serves, remembered in the profile (the next client starts there). */
  async function rememberSearchVersion(profile: StoredProfile, version: SearchVersion): Promise<void> {
    await deps.profiles.update(profile.id, (p) => ({ ...p, tssSearchVersion: version }));
  }

  function freshness(profile: StoredProfile, store: CacheStore, offline: boolean): Freshness {
    const syncedAt = store.syncedAt;
    const old = syncedAt === null || clock.now() - Date.parse(syncedAt) > staleAfterMs;
    const failed = store.meta('refresh_failed_at') !== null;
    return { syncedAt, stale: old || failed || offline, offline };
  }

  /** Whether a read should try the server now (not right after it was found unreachable). */
  function shouldTryNetwork(profile: StoredProfile): boolean {
    const at = state(profile).unreachableAt;
    return at === undefined || clock.now() - at >= offlineRetryMs;
  }

  function noteSuccess(profile: StoredProfile): void {
    state(profile).unreachableAt = undefined;
  }

  function noteFailure(profile: StoredProfile, error: unknown): void {
    if (isUnreachable(error)) state(profile).unreachableAt = clock.now();
    deps.logger?.info('refresh failed; serving the cache', { profile: profile.name, code: (error as { code?: string }).code });
  }

  function isOffline(profile: StoredProfile): boolean {
    return state(profile).unreachableAt !== undefined;
  }

  function emitProgress(profile: StoredProfile, p: ProgressUpdate): void {
    const progress: SyncProgress = { profile: profile.name, ...p };
    deps.emit?.({ type: 'sync', progress });
  }

  async function listTests(name: string): Promise<Cached<TestDefinition[]>> {
    const profile = await profileNamed(name);
    await storeFor(profile, 'throw');
    if (shouldTryNetwork(profile)) {
      try {
        const tests = (await clientFor(profile, 'read').testDefinitions()).map(toTestDefinition);
        await withStore(profile, (store) => store.replaceTests(tests));
        noteSuccess(profile);
      } catch (error) {
        if (error instanceof TesseraError && error.code === 'CACHE_CORRUPT') throw error;
        noteFailure(profile, error);
      }
    }
    return withStore(profile, (store) => ({ data: store.listTests(), ...freshness(profile, store, isOffline(profile)) }));
  }

  async function searchCases(name: string, query: unknown): Promise<CaseSearchResult> {
    const parsed = parseInput(CaseQuerySchema, query ?? {}, 'Invalid case query');
    const profile = await profileNamed(name);
    return withStore(profile, (store) => ({ ...searchRows(store.db, parsed), ...freshness(profile, store, isOffline(profile)) }));
  }

  async function caseFacets(name: string, query: unknown): Promise<CaseFacets> {
    const parsed = parseInput(CaseQuerySchema, query ?? {}, 'Invalid case query');
    const profile = await profileNamed(name);
    return withStore(profile, (store) => facetCounts(store.db, parsed));
  }


  async function getCase(name: string, idOrDisplayId: string): Promise<Cached<CaseDetail>> {
    const profile = await profileNamed(name);
    const key = idOrDisplayId.trim();
    if (!key) throw new TesseraError('INVALID_INPUT', 'A case id or display id is required');
    const cached = await withStore(profile, (store) => store.getCase(key));

    let failure: unknown;
    if (shouldTryNetwork(profile)) {
      try {
        const client = clientFor(profile, 'read');
        const id = cached?.id ?? (isUuid(key) ? key : await client.findCaseId(key));
        if (id === null) throw new TesseraError('NOT_FOUND', `No case "${key}" on the server`, { status: 404 });
        const fresh = await client.getCase(id, profile.includeIdentifiers);
        noteSuccess(profile);
        const detail = await withStore(profile, (store) => {
          store.writeDetail(toCaseInput(fresh, profile.includeIdentifiers), profile.includeIdentifiers);
          store.markRefreshSucceeded();
          return store.getCase(id);
        });
        if (detail) return { data: detail, syncedAt: new Date(clock.now()).toISOString(), stale: false, offline: false };
      } catch (error) {
        if (error instanceof TesseraError && error.code === 'CACHE_CORRUPT') throw error;
        if (error instanceof TesseraError && error.status === 404) {
          // The server says it does not exist (any more): drop our copy rather than show a ghost.
          if (cached) await withStore(profile, (store) => store.deleteCase(cached.id));
          throw new TesseraError('NOT_FOUND', `No case "${key}" on the server (it may have been deleted)`, { status: 404 });
        }
        noteFailure(profile, error);
        failure = error;
      }
    }
    if (cached) {
      return withStore(profile, (store) => {
        const f = freshness(profile, store, isOffline(profile));
        return { data: cached, ...f, stale: f.stale || failure !== undefined };
      });
    }
    if (failure && !isUnreachable(failure)) throw failure;
    throw new TesseraError('OFFLINE', `Case "${key}" is not in the offline cache and the server cannot be reached. Sync once while online.`);
  }

  /** The case id for a display id or id: from the cache, else (online) from the server. */
  async function resolveCaseId(profile: StoredProfile, key: string, client: TssClient | undefined): Promise<string | null> {
    const cachedId = await withStore(profile, (store) => (isUuid(key) ? key : store.idForDisplayId(key)));
    if (cachedId) return cachedId;
    return client ? client.findCaseId(key) : null;
  }

  /**
   * A case's report: fetched when the server answers (and stored, so it is there
   * offline), else the cached copy with its age. A case the server has no report for
   * (inactive, none yet, refused) is answered with `available: false`, not an error.
   */
  async function getReport(name: string, idOrDisplayId: string): Promise<Cached<CaseReport>> {
    const profile = await profileNamed(name);
    const key = idOrDisplayId.trim();
    if (!key) throw new TesseraError('INVALID_INPUT', 'A case id or display id is required');
    let failure: unknown;
    if (shouldTryNetwork(profile)) {
      try {
        const client = clientFor(profile, 'read');
        const id = await resolveCaseId(profile, key, client);
        if (id === null) throw new TesseraError('NOT_FOUND', `No case "${key}" on the server`, { status: 404 });
        const known = await withStore(profile, (store) => store.getCase(id));
        if (!known) {
          // Reports hang off cached cases: cache the case first.
          const fresh = await client.getCase(id, profile.includeIdentifiers);
          await withStore(profile, (store) => store.writeDetail(toCaseInput(fresh, profile.includeIdentifiers), profile.includeIdentifiers));
        }
        let outcome: { report: ReturnType<typeof toReportInput> } | { unavailable: string };
        try {
          outcome = { report: toReportInput(await client.caseReport(id)) };
        } catch (error) {
          if (!(error instanceof TesseraError && (error.status === 403 || error.status === 404))) throw error;
          outcome = { unavailable: String(error.status) };
        }
        noteSuccess(profile);
        const report = await withStore(profile, (store) => {
          store.writeReport(id, outcome);
          return store.readReport(id);
        });
        if (report) return { data: report, syncedAt: new Date(clock.now()).toISOString(), stale: false, offline: false };
      } catch (error) {
        if (error instanceof TesseraError && (error.code === 'CACHE_CORRUPT' || error.code === 'NOT_FOUND')) throw error;
        noteFailure(profile, error);
        failure = error;
      }
    }
    const cached = await withStore(profile, (store) => {
      const id = isUuid(key) ? key : store.idForDisplayId(key);
      return id ? store.readReport(id) : null;
    });
    if (cached) {
      return withStore(profile, (store) => {
        const f = freshness(profile, store, isOffline(profile));
        // The report's own age: it may be older than the last sync (reports are synced on request).
        return { data: cached, ...f, syncedAt: cached.fetchedAt, stale: f.stale || failure !== undefined };
      });
    }
    if (failure && !isUnreachable(failure)) throw failure;
    throw new TesseraError('OFFLINE', `The report of case "${key}" is not in the offline cache and the server cannot be reached. Open it once while online, or sync with reports.`);
  }

  async function getReportPdf(name: string, idOrDisplayId: string, reportTypeId: string): Promise<Cached<ReportPdf>> {
    const profile = await profileNamed(name);
    const key = idOrDisplayId.trim();
    const typeId = reportTypeId.trim();
    if (!key || !typeId) throw new TesseraError('INVALID_INPUT', 'A case and a report type are required');
    const report = await getReport(name, key);
    const type = report.data.reportTypes.find((t) => t.reportTypeId === typeId || t.reportType?.toLowerCase() === typeId.toLowerCase() || t.name?.toLowerCase() === typeId.toLowerCase());
    if (!report.data.available || !type?.reportTypeId) {
      throw new TesseraError('NOT_FOUND', report.data.available ? `Case ${report.data.displayId} has no report of type "${typeId}".` : `Case ${report.data.displayId} has no report to fetch (${report.data.unavailableReason ?? 'unavailable'}).`);
    }
    const id = report.data.caseId;
    const pdfOf = (bytes: Uint8Array): ReportPdf => ({
      caseId: id,
      displayId: report.data.displayId,
      reportTypeId: type.reportTypeId!,
      fileName: `${report.data.displayId}-${type.reportType ?? type.name ?? 'report'}.pdf`.replace(/[^A-Za-z0-9._-]+/g, '_'),
      bytes,
    });
    let failure: unknown;
    if (!report.offline && shouldTryNetwork(profile)) {
      try {
        const bytes = await clientFor(profile, 'read').reportPdf(id, type.reportTypeId);
        noteSuccess(profile);
        await withStore(profile, (store) => {
          const fingerprint = store.caseFingerprint(id);
          // One report type only: a sync with PDFs still fetches the case's others.
          if (fingerprint !== undefined) store.writePdfs(id, fingerprint, [{ reportTypeId: type.reportTypeId!, pdf: bytes }], false);
        });
        return { data: pdfOf(bytes), syncedAt: new Date(clock.now()).toISOString(), stale: false, offline: false };
      } catch (error) {
        if (error instanceof TesseraError && (error.status === 403 || error.status === 404)) {
          throw new TesseraError('NOT_FOUND', `The server has no PDF of this report of case ${report.data.displayId} (${error.status}).`, { status: error.status });
        }
        noteFailure(profile, error);
        failure = error;
      }
    }
    const cached = await withStore(profile, (store) => store.readPdf(id, type.reportTypeId!));
    if (cached) return { data: pdfOf(cached), syncedAt: report.syncedAt, stale: true, offline: isOffline(profile) };
    if (failure && !isUnreachable(failure)) throw failure;
    throw new TesseraError('OFFLINE', `The PDF of this report of case ${report.data.displayId} is not in the offline cache and the server cannot be reached. Sync with PDFs (syncReports json+pdf) while online.`);
  }

  async function getCacheStatus(name: string): Promise<CacheStatus> {
    const profile = await profileNamed(name);
    return withStore(profile, (store) => {
      const counts = store.counts();
      return {
        profile: profile.name,
        syncedAt: store.syncedAt,
        cases: counts.cases,
        tests: counts.tests,
        syncing: state(profile).sync !== undefined,
        includeIdentifiers: profile.includeIdentifiers,
      };
    });
  }

  /** The run's audit window: the call's override, else the service option, else the setting (read now, so a change applies to the next sync). */
  async function auditDaysFor(override: number | undefined): Promise<number> {
    if (override !== undefined) return override;
    if (opts.auditDays !== undefined) return opts.auditDays;
    return (await deps.settings.get()).syncAuditDays;
  }

  /** The audit log's per-request timeout: AUDIT_TIMEOUT_SCALE times the requestTimeoutSeconds setting (read at each sync, as the HTTP helper reads it). */
  async function auditTimeoutMs(): Promise<number> {
    return AUDIT_TIMEOUT_SCALE * (await deps.settings.get()).requestTimeoutSeconds * 1000;
  }

  async function doSync(profile: StoredProfile, controller: AbortController, auditDays: number, allowMassRemoval: boolean, reports: SyncReports): Promise<SyncResult> {
    const started = clock.now();
    const auditTimeout = auditDays > 0 ? await auditTimeoutMs() : undefined;
    const lockPath = join(deps.dataDir, 'locks', `sync-${profile.id}.lock`);
    // One sync per profile across processes (the app and CLI runs); a killed one's lock is broken by pid.
    return withFileLock(
      lockPath,
      async () => {
        const pass = () => withStore(
          profile,
          (store) =>
            runSync({
              store,
              client: clientFor(profile, 'sync', auditTimeout),
              clock,
              includeIdentifiers: profile.includeIdentifiers,
              signal: controller.signal,
              onProgress: (p) => emitProgress(profile, p),
              ...(opts.pageSize ? { pageSize: opts.pageSize } : {}),
              ...(opts.concurrency ? { concurrency: opts.concurrency } : {}),
              ...(opts.detailConcurrency ? { detailConcurrency: opts.detailConcurrency } : {}),
              ...(auditDays > 0 ? { auditDays } : {}),
              ...(allowMassRemoval ? { allowMassRemoval } : {}),
              ...(reports !== 'off' ? { reports } : {}),
              ...(opts.reportConcurrency ? { reportConcurrency: opts.reportConcurrency } : {}),
              ...(deps.logger ? { logger: deps.logger } : {}),
              ...(opts.writerScript ? { writerScript: opts.writerScript } : {}),
              ...(opts.batchCases ? { batchCases: opts.batchCases } : {}),
            }),
          'recreate',
        );
        // Damage found in the middle of a sync: the file is set aside by then; rebuild from scratch once.
        const result = await pass().catch((error: unknown) => {
          if (error instanceof TesseraError && error.code === 'CACHE_CORRUPT' && !controller.signal.aborted) return pass();
          throw error;
        });
        return {
          profile: profile.name,
          tests: result.tests,
          cases: result.cases,
          removed: result.removed,
          syncedAt: result.syncedAt,
          durationMs: clock.now() - started,
          ...(auditDays > 0 ? { audit: result.audit } : {}),
          ...(result.removalDeferred > 0 ? { removalDeferred: result.removalDeferred } : {}),
          ...(result.reports ? { reports: result.reports } : {}),
        };
      },
      {
        timeoutMs: 15 * 60_000,
        staleMs: 6 * 3600_000,
        onTimeout: () => new TesseraError('TIMEOUT', `Another Tessera process is still syncing profile "${profile.name}"; try again when it has finished.`),
      },
    );
  }

  async function sync(name: string, options?: SyncOptions): Promise<SyncResult> {
    assertUnlocked();
    const profile = await profileNamed(name);
    const s = state(profile);
    // One sync per profile at a time: a second request joins the running one (its options too).
    if (s.sync) return s.sync.promise;
    const controller = new AbortController();
    const promise = (async () => {
      try {
        const reports = options?.reports ?? (await deps.settings.get()).syncReports;
        const result = await doSync(profile, controller, await auditDaysFor(options?.auditDays), options?.allowMassRemoval === true, reports);
        noteSuccess(profile);
        return result;
      } catch (error) {
        const cancelled = controller.signal.aborted || (error instanceof TesseraError && error.code === 'CANCELLED');
        if (!cancelled) {
          noteFailure(profile, error);
          await withStore(profile, (store) => store.markRefreshFailed()).catch(() => undefined);
        }
        emitProgress(profile, {
          phase: cancelled ? 'cancelled' : 'failed',
          done: 0,
          total: null,
          message: cancelled ? 'Sync cancelled; the cache is unchanged where it was not yet refreshed.' : errorMessage(error),
        });
        if (cancelled && !(error instanceof TesseraError && error.code === 'CANCELLED')) {
          throw new TesseraError('CANCELLED', 'The sync was cancelled.', { cause: error });
        }
        throw error;
      } finally {
        s.sync = undefined;
      }
    })();
    s.sync = { controller, promise };
    return promise;
  }

  async function listAuditEvents(name: string, query?: unknown): Promise<AuditList> {
    const q = parseInput(AuditQuerySchema, query ?? {}, 'Invalid audit query');
    const profile = await profileNamed(name);
    return withStore(profile, (store) => {
      // The audit table keys cases by id; a display id is resolved through the cached cases.
      const caseId = q.caseId === undefined ? undefined : isUuid(q.caseId) ? q.caseId : (store.idForDisplayId(q.caseId) ?? q.caseId);
      const since = q.since === undefined ? undefined : (normalizeDate(q.since) ?? new Date(q.since).toISOString());
      const data = store.listAudit({
        ...(caseId !== undefined ? { caseId } : {}),
        ...(since !== undefined ? { since } : {}),
        limit: q.limit ?? 1000,
      });
      return { data, window: auditWindow(store.meta('audit_window')), ...freshness(profile, store, isOffline(profile)) };
    });
  }

  async function cancelSync(name: string): Promise<void> {
    const profile = await profileNamed(name);
    state(profile).sync?.controller.abort();
  }

  async function closeProfile(id: string): Promise<void> {
    const s = states.get(id);
    if (!s) return;
    if (s.sync) {
      s.sync.controller.abort();
      await s.sync.promise.catch(() => undefined);
    }
    const store = await s.store?.catch(() => undefined);
    store?.close();
    states.delete(id);
  }

  async function closeAll(): Promise<void> {
    await Promise.all([...states.keys()].map((id) => closeProfile(id)));
  }

  return {
    listTests,
    searchCases,
    caseFacets,
    getCase,
    getReport,
    getReportPdf,
    getCacheStatus,
    sync,
    cancelSync,
    listAuditEvents,
    async lock() {
      await closeAll();
    },
    async unlock() {},
    async beforeRemove(profile) {
      await closeProfile(profile.id);
      await deleteCacheFiles(deps.dataDir, profile.id);
    },
    async dispose() {
      await closeAll();
    },
  };
}

function auditWindow(stored: string | null): AuditList['window'] {
  if (!stored) return null;
  try {
    const w = JSON.parse(stored) as { days?: unknown; syncedAt?: unknown };
    return typeof w.days === 'number' && typeof w.syncedAt === 'string' ? { days: w.days, syncedAt: w.syncedAt } : null;
  } catch {
    return null;
  }
}

function errorMessage(error: unknown): string {
  return error instanceof TesseraError ? error.message : 'The sync failed unexpectedly.';
}

/** What the core hands the offline cache (createTessera's wiring); tests pass options. */
export type CacheWiring = Omit<CacheServiceDeps, 'options'>;

/** createTessera's default cache factory: `cache: (wiring) => cacheFromCore(wiring)`. */
export function cacheFromCore(wiring: CacheWiring, options?: CacheServiceOptions): CacheService {
  return createCacheService({ ...wiring, ...(options ? { options } : {}) });
}

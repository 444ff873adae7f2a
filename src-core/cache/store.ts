/**
 * One profile's offline cache: opening (key from the SecretStore, migrations,
 * corruption recovery) and the operations the sync engine and the reads use.
 *
 * Recovery: a file that cannot be decrypted (key missing or different) or that SQLite
 * reports as damaged is renamed to `<file>.corrupt-<timestamp>` (with its WAL), never
 * deleted, and never repaired in place; the next sync rebuilds the cache from the
 * server. Profiles and secrets are not touched, except that a missing key is replaced.
 *
 * Several processes may open a profile's cache for the first time at once. The key is
 * created (read again, then created if still missing) under a cross-process lock, and
 * a file is never set aside because of that race: a file without a key is set aside
 * only under the same lock, a new (missing or empty) file is created and initialised
 * under it too, and a file that does not open is tried once more under the lock with
 * the key read again from the secret store (another process may have created the key,
 * or been initialising the file, a moment ago) before it counts as damaged.
 */
import { closeSync, existsSync, mkdirSync, openSync, promises as fs, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AuditEvent, CaseDetail, CaseQuery, CaseReport, TestDefinition } from '../../src-shared/schemas.js';
import { TesseraError } from '../errors.js';
import type { Clock, Logger } from '../ports.js';
import type { SecretSlot } from '../profiles/repository.js';
import { systemClock } from '../ports.js';
import type { CaseInput, ReportInput } from '../tss/normalize.js';
import { listAudit, upsertAudit, type AuditFilter } from './audit.js';
import * as cases from './cases.js';
import { countCases, idForDisplayId, readCase } from './detail.js';
import { withFileLock } from '../config/lock.js';
import { readCacheKey, replaceCacheKey } from './key.js';
import { openWriter, type CacheWriter } from './writer.js';
import { deferIndexes, restoreIndexes } from './indexes.js';
import { readPageRecords, type PageRecord } from './page-writer.js';
import { getMeta, getNumber, setMeta, type MetaKey } from './meta.js';
import { migrate, NewerSchemaError } from './migrations.js';
import { cacheFile, cacheKeyLockFile, SIDECAR_SUFFIXES } from './paths.js';
import * as reports from './reports.js';
import { searchCases, type SearchOutcome } from './search.js';
import { isCorruptionError, loadSqlite, openDatabase, type Database } from './sqlite.js';
import { countTests, listTests, replaceTests, type TestInput } from './tests.js';

export interface OpenCacheOptions {
  dataDir: string;
  profileId: string;
  /** The profile's cache-key slot in the secret store. */
  key: SecretSlot;
  clock?: Clock;
  logger?: Logger;
  /**
   * What to do when the file is damaged or undecryptable, after setting it aside:
   * 'throw' CACHE_CORRUPT (reads, so a person learns why their data vanished), or
   * 'recreate' an empty cache at once (sync, which is about to rebuild it anyway).
   */
  onCorrupt: 'throw' | 'recreate';
}

export interface OpenedCache {
  store: CacheStore;
  /** Where a damaged file was moved, when this open had to set one aside. */
  setAside?: string;
}

/** A sweep removing more than this share of the cache and more than MASS_REMOVAL_MIN cases waits for a confirming pass. */
export const MASS_REMOVAL_SHARE = 0.5;
export const MASS_REMOVAL_MIN = 10;

function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/** Moves a cache file and its WAL/SHM aside; returns the new name of the main file. */
export async function setAside(file: string, clock: Clock = systemClock): Promise<string> {
  let target = `${file}.corrupt-${stamp(clock.now())}`;
  // Two recoveries within one second must not overwrite each other's evidence.
  for (let n = 2; existsSync(target); n++) target = `${file}.corrupt-${stamp(clock.now())}-${n}`;
  for (const suffix of ['', ...SIDECAR_SUFFIXES]) {
    try {
      await fs.rename(file + suffix, target + suffix);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return target;
}

export function corruptError(setAsidePath: string | undefined, cause?: unknown): TesseraError {
  const where = setAsidePath ? ` It was moved to ${setAsidePath}.` : '';
  return new TesseraError(
    'CACHE_CORRUPT',
    `The offline cache was damaged or could not be decrypted and has been set aside.${where} Sync again to rebuild it; your profiles and keys are unchanged.`,
    { cause },
  );
}

export async function openCache(options: OpenCacheOptions): Promise<OpenedCache> {
  const clock = options.clock ?? systemClock;
  const file = cacheFile(options.dataDir, options.profileId);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const Sqlite = await loadSqlite();

  const underKeyLock = <T>(fn: () => Promise<T>): Promise<T> =>
    withFileLock(cacheKeyLockFile(options.dataDir, options.profileId), fn, {
      timeoutMs: 30_000,
      onTimeout: () => new TesseraError('TIMEOUT', 'Another Tessera process is holding the offline cache key of this profile; try again in a moment.'),
    });

  let key = await readCacheKey(options.key);
  let setAsidePath: string | undefined;
  let reason: unknown;

  if (!key) {
    key = await underKeyLock(async () => {
      // Another process may have created the key (and the file with it) while we waited.
      const current = await readCacheKey(options.key);
      if (current) return current;
      if (existsSync(file)) {
        // The file exists but its key is gone (keyring reset, another machine's copy): unreadable for good.
        setAsidePath = await setAside(file, clock);
        reason = new Error('the cache key is missing from the secret store');
      }
      return replaceCacheKey(options.key);
    });
  }
  let keyHex: string = key;

  const tryOpen = (): CacheStore => {
    // Created with owner-only permissions; SQLite gives its WAL and SHM the same mode.
    if (!existsSync(file)) createEmpty(file);
    const db = openDatabase(Sqlite, file, { keyHex });
    try {
      migrate(db);
      // A sync into an empty cache that was killed before rebuilding its indexes.
      restoreIndexes(db);
    } catch (error) {
      db.close();
      throw error;
    }
    return new CacheStore(db, file, clock, keyHex);
  };

  const isNew = (): boolean => !existsSync(file) || statSync(file).size === 0;

  try {
    if (setAsidePath && options.onCorrupt === 'throw') throw corruptError(setAsidePath, reason);
    // SQLCipher picks a file's salt when it first opens it empty: two processes initialising
    // one new file at once would each write pages the other cannot read, so only one does.
    const store = isNew() ? await underKeyLock(async () => tryOpen()) : tryOpen();
    return { store, ...(setAsidePath ? { setAside: setAsidePath } : {}) };
  } catch (firstError) {
    if (firstError instanceof TesseraError) throw firstError;
    if (!isCorruptionError(firstError) && !(firstError instanceof NewerSchemaError)) throw firstError;
    let error: unknown = firstError;
    const retried = await underKeyLock(async () => {
      if (isCorruptionError(error)) {
        // Not necessarily damage: the key may have been created by another process since we
        // read it, or the file been initialised meanwhile. Once more, with the current key.
        keyHex = (await readCacheKey(options.key)) ?? keyHex;
        try {
          return tryOpen();
        } catch (again) {
          if (!isCorruptionError(again) && !(again instanceof NewerSchemaError)) throw again;
          error = again;
        }
      }
      setAsidePath = await setAside(file, clock);
      return undefined;
    });
    if (retried) return { store: retried };
    options.logger?.warn('offline cache set aside', { reason: error instanceof NewerSchemaError ? 'newer schema' : (error as { code?: string }).code, file: setAsidePath });
    if (options.onCorrupt === 'throw') throw corruptError(setAsidePath, error);
    return { store: tryOpen(), setAside: setAsidePath };
  }
}

function createEmpty(file: string): void {
  // 'wx': never truncate a file another process created a moment ago.
  try {
    const fd = openSync(file, 'wx', 0o600);
    closeSync(fd);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

export class CacheStore {
  private closed = false;

  constructor(
    readonly db: Database,
    readonly file: string,
    private readonly clock: Clock,
    private readonly keyHex: string,
  ) {}

  /** A writer for a sync's pages: on a worker thread when `script` exists, else on this connection (writer.ts). */
  openWriter(script?: URL, logger?: Logger): Promise<CacheWriter> {
    return openWriter({ db: this.db, file: this.file, keyHex: this.keyHex }, script, logger);
  }

  /** Before a sync fills an empty cache: its secondary indexes are built once at the end instead of row by row (indexes.ts). */
  deferIndexesIfEmpty(): boolean {
    if (countCases(this.db) > 0) return false;
    deferIndexes(this.db);
    return true;
  }

  /** Builds indexes deferred by deferIndexesIfEmpty (a no-op when none were). */
  restoreIndexes(): void {
    restoreIndexes(this.db);
  }

  /** What each case-search page held when it was last written (page-writer.ts). */
  pageRecords(): Map<string, PageRecord> {
    return readPageRecords(this.db);
  }

  /** Cases the pass `generation` has seen on its pages (single-case reads, written without a fingerprint, do not count). */
  countSeen(generation: number): number {
    return cases.countSeen(this.db, generation);
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      // Folds the WAL back so the file on disk is complete on its own.
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    } catch {
      // A busy or damaged database still closes below.
    }
    this.db.close();
  }

  meta(key: MetaKey): string | null {
    return getMeta(this.db, key);
  }

  setMeta(key: MetaKey, value: string | null): void {
    setMeta(this.db, key, value);
  }

  get syncedAt(): string | null {
    return getMeta(this.db, 'synced_at');
  }

  /** Starts a pass: a generation newer than any earlier pass, interrupted ones included. */
  beginPass(includeIdentifiers: boolean): number {
    let generation = 0;
    this.db.transaction(() => {
      generation = Math.max(getNumber(this.db, 'generation'), getNumber(this.db, 'pending_generation')) + 1;
      setMeta(this.db, 'pending_generation', String(generation));
      if (includeIdentifiers) setMeta(this.db, 'identifiers', '1');
    }).immediate();
    return generation;
  }

  /** The generation a case fetched outside a pass gets: the one the current or last pass uses. */
  currentGeneration(): number {
    return Math.max(getNumber(this.db, 'generation'), getNumber(this.db, 'pending_generation'));
  }

  upsertPage(inputs: readonly CaseInput[], generation: number, includeIdentifiers: boolean): cases.WriteCounts {
    return cases.upsertSummaries(this.db, inputs, generation, includeIdentifiers);
  }

  writeDetail(input: CaseInput, includeIdentifiers: boolean): void {
    if (includeIdentifiers) setMeta(this.db, 'identifiers', '1');
    cases.writeDetail(this.db, input, this.currentGeneration(), includeIdentifiers);
  }

  /**
   * Ends a complete pass: removes what it did not see (when `sweep`), records the time.
   *
   * A sweep that would remove more than MASS_REMOVAL_SHARE of the cache and more than
   * MASS_REMOVAL_MIN cases is deferred (`deferred` says how many were kept) and noted in
   * the meta; the next clean pass that again would remove that much confirms it and
   * sweeps. `allowMassRemoval` sweeps at once. A pass that is not clean leaves the note.
   */
  completePass(generation: number, options: { sweep: boolean; allowMassRemoval?: boolean }): { removed: number; deferred: number; syncedAt: string } {
    const syncedAt = new Date(this.clock.now()).toISOString();
    let removed = 0;
    let deferred = 0;
    this.db.transaction(() => {
      if (options.sweep) {
        const unseen = cases.countUnseen(this.db, generation);
        const mass = unseen > MASS_REMOVAL_MIN && unseen > countCases(this.db) * MASS_REMOVAL_SHARE;
        const confirmed = getMeta(this.db, 'pending_mass_removal') !== null;
        if (mass && !confirmed && !options.allowMassRemoval) {
          deferred = unseen;
          setMeta(this.db, 'pending_mass_removal', String(unseen));
        } else {
          removed = cases.sweep(this.db, generation);
          setMeta(this.db, 'pending_mass_removal', null);
        }
      }
      setMeta(this.db, 'generation', String(generation));
      setMeta(this.db, 'pending_generation', null);
      setMeta(this.db, 'synced_at', syncedAt);
      setMeta(this.db, 'refresh_failed_at', null);
    }).immediate();
    return { removed, deferred, syncedAt };
  }

  replaceTests(tests: readonly TestInput[]): number {
    const n = replaceTests(this.db, tests);
    setMeta(this.db, 'tests_synced_at', new Date(this.clock.now()).toISOString());
    return n;
  }

  listTests(): TestDefinition[] {
    return listTests(this.db);
  }

  search(query: CaseQuery): SearchOutcome {
    return searchCases(this.db, query);
  }

  getCase(idOrDisplayId: string): CaseDetail | null {
    return readCase(this.db, idOrDisplayId);
  }

  idForDisplayId(displayId: string): string | null {
    return idForDisplayId(this.db, displayId);
  }

  deleteCase(id: string): boolean {
    return cases.deleteCase(this.db, id);
  }

  pendingDetailIds(limit: number): string[] {
    return cases.pendingDetailIds(this.db, limit);
  }

  countPendingDetails(): number {
    return cases.countPendingDetails(this.db);
  }

  markDetailDone(id: string): void {
    cases.markDetailDone(this.db, id);
  }

  /** Called when the profile no longer opts in: strips identifiers from data and index. */
  purgeIdentifiersIfNeeded(includeIdentifiers: boolean): number {
    if (includeIdentifiers || getMeta(this.db, 'identifiers') !== '1') return 0;
    const n = cases.purgeIdentifiers(this.db);
    setMeta(this.db, 'identifiers', null);
    return n;
  }

  counts(): { cases: number; tests: number } {
    return { cases: countCases(this.db), tests: countTests(this.db) };
  }

  upsertAudit(entries: readonly Record<string, unknown>[]): number {
    return upsertAudit(this.db, entries);
  }

  listAudit(filter: AuditFilter): AuditEvent[] {
    return listAudit(this.db, filter);
  }

  /**
   * Keeps the planner's statistics current after a sync; bounded so it costs milliseconds.
   * Only tables with indexes, which the planner chooses between: analysing a table
   * without one counts its rows, which for the documents and the full-text index's
   * shadow tables means reading (and decrypting) most of the file.
   */
  optimize(): void {
    const tables = this.db.prepare("SELECT DISTINCT tbl_name FROM sqlite_master WHERE type = 'index' AND tbl_name NOT LIKE 'cases_fts%'").pluck().all() as string[];
    this.db.pragma('analysis_limit = 2000');
    for (const t of tables) this.db.exec(`ANALYZE "${t.replace(/"/g, '""')}"`);
  }

  // ---- case reports (reports.ts) ----

  pendingReports(afterRid: number, limit: number): reports.PendingReport[] {
    return reports.pendingReports(this.db, afterRid, limit);
  }

  countPendingReports(): number {
    return reports.countPendingReports(this.db);
  }

  pendingPdfs(afterRid: number, limit: number): ReturnType<typeof reports.pendingPdfs> {
    return reports.pendingPdfs(this.db, afterRid, limit);
  }

  countPendingPdfs(): number {
    return reports.countPendingPdfs(this.db);
  }

  /** Stores a report (or that there is none to have) for the case version `fingerprint`; the case's current one when absent. */
  writeReport(caseId: string, outcome: { report: ReportInput } | { unavailable: string }, fingerprint?: string): boolean {
    const fp = fingerprint ?? reports.caseFingerprint(this.db, caseId);
    if (fp === undefined) return false;
    return reports.writeReport(this.db, caseId, fp, new Date(this.clock.now()).toISOString(), outcome);
  }

  /**
   * Stores many reports in one transaction: a sync writes a batch at once, because the
   * commit (encrypting and writing the changed pages) costs far more than the writes.
   */
  writeReports(entries: ReadonlyArray<{ caseId: string; fingerprint: string; outcome: { report: ReportInput } | { unavailable: string } }>): void {
    if (entries.length === 0) return;
    const at = new Date(this.clock.now()).toISOString();
    this.db.transaction(() => {
      for (const e of entries) reports.writeReport(this.db, e.caseId, e.fingerprint, at, e.outcome);
    })();
  }

  /** Stores the PDFs of many cases in one transaction (see writeReports). */
  writePdfBatch(entries: ReadonlyArray<{ caseId: string; fingerprint: string; pdfs: Array<{ reportTypeId: string; pdf: Uint8Array | null; reason?: string }> }>): void {
    if (entries.length === 0) return;
    const at = new Date(this.clock.now()).toISOString();
    this.db.transaction(() => {
      for (const e of entries) reports.writePdfs(this.db, e.caseId, e.fingerprint, at, e.pdfs);
    })();
  }

  writePdfs(caseId: string, fingerprint: string, pdfs: Array<{ reportTypeId: string; pdf: Uint8Array | null; reason?: string }>, complete = true): void {
    reports.writePdfs(this.db, caseId, fingerprint, new Date(this.clock.now()).toISOString(), pdfs, complete);
  }

  readReport(caseId: string): CaseReport | null {
    return reports.readReport(this.db, caseId);
  }

  /** The case's current fingerprint, the version a report or PDF fetched now belongs to. */
  caseFingerprint(caseId: string): string | undefined {
    return reports.caseFingerprint(this.db, caseId);
  }

  readPdf(caseId: string, reportTypeId: string): Uint8Array | null {
    return reports.readPdf(this.db, caseId, reportTypeId);
  }

  markRefreshFailed(): void {
    setMeta(this.db, 'refresh_failed_at', new Date(this.clock.now()).toISOString());
  }

  markRefreshSucceeded(): void {
    if (getMeta(this.db, 'refresh_failed_at') !== null) setMeta(this.db, 'refresh_failed_at', null);
  }
}

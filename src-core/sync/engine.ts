/**
 * One sync of a profile's cache: test definitions, then every case page by page, then
 * (when the profile opted in) the patient identifiers of new or changed cases, then
 * (when asked) the reports of new or changed cases, then removal of the cases the
 * server no longer has.
 *
 * Consistency:
 * - Each page is upserted in one transaction, so the cache only ever holds whole
 *   pages of server data; a malformed page fails validation before anything is written.
 * - Removal is mark-and-sweep: the pass marks every case it saw with its generation
 *   and, only after the last page, deletes the others in one transaction. A pass that
 *   fails, is cancelled or whose process is killed never deletes anything and leaves
 *   `lastSyncedAt` as it was; the next pass uses a newer generation and completes it.
 * - The sweep also needs a clean pass: every page reported the same total and the
 *   distinct ids seen equal it. Offset paging over data that changes mid-sync can skip
 *   a case, and deleting a case only because we skipped it would be wrong, so such a
 *   pass keeps everything and the next clean one removes what is gone.
 * - A clean pass that would remove most of the cache (an empty or truncated answer from
 *   a server in trouble looks exactly like a tenant whose cases were deleted) removes
 *   nothing unless the next clean pass sees the same, or the caller allows it
 *   (`allowMassRemoval`); see CacheStore.completePass for the bound.
 * - Paging follows what the data says, not the server's page count alone: the client
 *   refuses a `totalPages` that disagrees with `totalElements`, the pass reads at most
 *   MAX_PAGES pages, and a page that comes back empty ends it (not clean: nothing is
 *   removed).
 *
 * Cost at 100k cases: 100 pages of 1000, three in flight. Identifiers need one
 * `GET /cases/{id}` per case, so they are fetched only when the profile opts in, only
 * for cases new or changed since their last fetch, and four at a time; the first sync
 * of an opted-in 100k-case tenant therefore makes 100k extra requests (documented).
 */
import type { SyncProgress } from '../../src-shared/schemas.js';
import { TesseraError } from '../errors.js';
import type { Clock, Logger } from '../ports.js';
import type { CacheStore } from '../cache/store.js';
import type { TssClient } from '../tss/client.js';
import type { SyncReports } from '../../src-shared/rules.js';
import { toCaseInput, toReportInput, toTestDefinition } from '../tss/normalize.js';
import { prepareCase } from '../cache/cases.js';
import { pageKey, type PageRecord, type PageWrite } from '../cache/page-writer.js';
import { runPool } from './pool.js';

export type ProgressUpdate = Omit<SyncProgress, 'profile'>;

export interface SyncRunOptions {
  store: CacheStore;
  client: TssClient;
  clock: Clock;
  includeIdentifiers: boolean;
  signal?: AbortSignal;
  onProgress?(progress: ProgressUpdate): void;
  /** Cases per page (the platform caps at 1000). */
  pageSize?: number;
  /** Pages in flight. */
  concurrency?: number;
  /** Detail reads in flight when fetching identifiers. */
  detailConcurrency?: number;
  /** Also cache the audit log of this many past days (0 or absent: no audit log). */
  auditDays?: number;
  /** Remove what the server no longer lists even when that is most of the cache, without a confirming pass. */
  allowMassRemoval?: boolean;
  /** Which case reports to keep offline (default 'off'): the JSON report, or the JSON and the PDFs, of new or changed cases. */
  reports?: SyncReports;
  /** Report requests in flight. */
  reportConcurrency?: number;
  logger?: Logger;
  /** The cache writer's worker script (writer.ts); without it pages are written on the store's own connection. */
  writerScript?: URL;
  /** Cases per write transaction (default BATCH_CASES). */
  batchCases?: number;
}

export interface SyncRunResult {
  tests: number;
  cases: number;
  removed: number;
  syncedAt: string;
  /** False when the pass was not clean and removals were deferred to the next sync. */
  swept: boolean;
  /** Cases not removed because they were most of the cache and no earlier pass confirmed it (0: none). */
  removalDeferred: number;
  details: number;
  audit: number;
  /** Absent when reports were not asked for. */
  reports?: ReportCounts;
}

export interface ReportCounts {
  /** Reports fetched and stored. */
  fetched: number;
  /** Cases noted as having no report to fetch: inactive, not found (404) or refused (403). */
  unavailable: number;
  /** PDFs fetched and stored. */
  pdfs: number;
}

export const DEFAULT_PAGE_SIZE = 1000;
export const DEFAULT_CONCURRENCY = 3;
export const DEFAULT_DETAIL_CONCURRENCY = 4;
export const DEFAULT_REPORT_CONCURRENCY = 4;
/** Cases per write transaction: a kill loses at most this many cases' work (the next sync redoes it), and a commit's fixed cost is paid once per batch. */
export const BATCH_CASES = 2_000;
/** Reports (and cases' PDFs) written per transaction: the commit of the encrypted pages costs more than the writes. */
const REPORT_BATCH = 200;
const PDF_BATCH = 50;
/** The most case pages one pass reads (10 million cases at 1000 per page); a server claiming more is not believed. */
export const MAX_PAGES = 10_000;

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new TesseraError('CANCELLED', 'The sync was cancelled.');
}

export async function runSync(options: SyncRunOptions): Promise<SyncRunResult> {
  const { store, client, includeIdentifiers } = options;
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  const progress = (p: ProgressUpdate) => options.onProgress?.(p);

  // A failure of any page stops the others at once instead of letting them finish.
  const inner = new AbortController();
  const onOuterAbort = () => inner.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const signal = inner.signal;

  try {
    throwIfAborted(options.signal);
    store.purgeIdentifiersIfNeeded(includeIdentifiers);

    // 1. Test definitions: one request, replaced wholesale.
    progress({ phase: 'tests', done: 0, total: null });
    const tests = (await client.testDefinitions(signal)).map(toTestDefinition);
    throwIfAborted(options.signal);
    store.replaceTests(tests);
    progress({ phase: 'tests', done: tests.length, total: tests.length });

    // 2. Cases, page by page (casePages below).
    const generation = store.beginPass(includeIdentifiers);
    const pass = await casePages(options, generation, pageSize, signal, progress);
    throwIfAborted(options.signal);
    const { first } = pass;
    let total = pass.total;

    // 3. Identifiers of new or changed cases (opt-in only).
    let details = 0;
    if (includeIdentifiers) details = await fetchDetails(options, signal);

    // 3b. Reports of new or changed cases (setting syncReports, or --reports).
    let reports: ReportCounts | undefined;
    if (options.reports && options.reports !== 'off') reports = await fetchReports(options, options.reports, signal);

    // 4. Optional audit log window.
    let audit = 0;
    if (options.auditDays && options.auditDays > 0) audit = await fetchAudit(options, signal);

    // 5. Sweep and record the time, in one transaction.
    const seen = store.countSeen(generation);
    const clean = pass.totals.size === 1 && seen === first.totalElements;
    if (!clean) {
      options.logger?.warn('sync pass not clean; removals deferred', { totals: [...pass.totals], seen });
    }
    total = Math.max(total ?? 0, seen);
    progress({ phase: 'cleanup', done: seen, total });
    const { removed, deferred, syncedAt } = store.completePass(generation, { sweep: clean, allowMassRemoval: options.allowMassRemoval === true });
    if (deferred > 0) {
      options.logger?.warn('mass removal deferred', { deferred, seen });
      progress({
        phase: 'cleanup',
        done: 0,
        total: deferred,
        message: `${deferred} cases the server no longer lists were not removed: that is most of the cache, so the next sync removes them only if it sees the same`,
      });
    }
    store.optimize();
    const counts = store.counts();
    progress({ phase: 'done', done: counts.cases, total: counts.cases });
    return { tests: tests.length, cases: counts.cases, removed, syncedAt, swept: clean, removalDeferred: deferred, details, audit, ...(reports ? { reports } : {}) };
  } catch (error) {
    inner.abort();
    if (options.signal?.aborted) throw new TesseraError('CANCELLED', 'The sync was cancelled.', { cause: error });
    throw error;
  } finally {
    options.signal?.removeEventListener('abort', onOuterAbort);
  }
}

interface CasePass {
  first: { totalElements: number; totalPages: number };
  /** Every total the pages reported: more than one means the data changed under the pass. */
  totals: Set<number>;
  total: number | null;
}

/**
 * The case pages of one pass, as a pipeline: up to `concurrency` pages download at once;
 * each is validated (by the client) and prepared for the database here; prepared pages
 * are written BATCH_CASES at a time, one transaction per batch, by the cache writer
 * (writer.ts: a worker thread, so a commit overlaps the next downloads). A download
 * starts only while fewer than two batches' worth of prepared cases wait for their
 * commit, so memory is bounded by the pages in flight, not by the number of cases.
 *
 * A page whose body hashes to what the same page held last time (and which was then
 * validated and stored) is neither parsed nor validated again: its recorded cases are
 * marked seen. If they are no longer stored as recorded, the page is read again in full.
 */
async function casePages(options: SyncRunOptions, generation: number, pageSize: number, signal: AbortSignal, progress: (p: ProgressUpdate) => void): Promise<CasePass> {
  const { store, client, includeIdentifiers } = options;
  const records = store.pageRecords();
  // Into an empty cache, rows go in without the secondary indexes, which are built once at the end.
  store.deferIndexesIfEmpty();
  const writer = await store.openWriter(options.writerScript, options.logger);
  const totals = new Set<number>();
  let done = 0;
  let total: number | null = null;
  /** The first page that came back empty: there is nothing after it to ask for. */
  let endedAt = Infinity;
  const reread: number[] = [];

  const batchSize = options.batchCases ?? BATCH_CASES;
  let batch: PageWrite[] = [];
  let batchCases = 0;
  /** Prepared cases not yet committed: at most one batch being written and one filling. */
  let unwritten = 0;
  const waiting: Array<() => void> = [];
  let writing: Promise<void> = Promise.resolve();
  let writeFailure: { error: unknown } | undefined;

  /** Waits until there is room for another page (memory stays bounded by the pages in flight), or a write failed. */
  const room = async () => {
    while (unwritten >= 2 * batchSize && !writeFailure) await new Promise<void>((resolve) => waiting.push(resolve));
    if (writeFailure) throw writeFailure.error;
  };

  const flush = () => {
    if (batch.length === 0) return;
    const pages = batch;
    const sizes = pages.map((p) => sizeOf(p, records));
    const cases = batchCases;
    batch = [];
    batchCases = 0;
    // Writes are posted in order; the writer commits them one after another.
    const result = writer.write({ generation, includeIdentifiers, pages });
    writing = writing
      .then(() => result)
      .then(
        (results) => {
          for (const [i, r] of results.entries()) {
            if (r.ok) done += sizes[i]!;
            else reread.push(pageNumberOf(r.key));
          }
          // Progress counts stored cases: what a kill or a failure from here on would keep.
          progress({ phase: 'cases', done, total });
        },
        (error: unknown) => {
          writeFailure ??= { error };
        },
      )
      .finally(() => {
        unwritten -= cases;
        for (const wake of waiting.splice(0)) wake();
      });
  };

  /** Everything prepared is committed; a failed write's error stands. */
  const drain = async () => {
    flush();
    await writing;
    if (writeFailure) throw writeFailure.error;
  };

  const fetchPage = async (pageNumber: number, trustKnown: boolean) => {
    await room();
    const key = pageKey(pageSize, pageNumber, includeIdentifiers);
    const record = trustKnown ? records.get(key) : undefined;
    const { hash, page } = await client.casePage({ pageNumber, pageSize }, (h) => record?.hash === h, signal);
    throwIfAborted(options.signal);
    let info: { totalElements: number; totalPages: number; count: number };
    if (page) {
      const prepared = page.content.map((c) => prepareCase(toCaseInput(c, includeIdentifiers), includeIdentifiers));
      info = { totalElements: page.totalElements, totalPages: page.totalPages, count: prepared.length };
      batch.push({ kind: 'full', key, hash, totalElements: page.totalElements, totalPages: page.totalPages, cases: prepared });
    } else {
      info = { totalElements: record!.totalElements, totalPages: record!.totalPages, count: record!.idCount };
      batch.push({ kind: 'same', key });
    }
    if (info.count === 0) endedAt = Math.min(endedAt, pageNumber);
    totals.add(info.totalElements);
    total = Math.max(info.totalElements, total ?? 0);
    batchCases += info.count;
    unwritten += info.count;
    if (batchCases >= batchSize) flush();
    return info;
  };

  try {
    progress({ phase: 'cases', done: 0, total: null });
    const first = await fetchPage(0, true);
    if (first.totalPages > MAX_PAGES) {
      throw new TesseraError('MALFORMED_RESPONSE', `The case search claims ${first.totalPages} pages (${first.totalElements} cases); a sync reads at most ${MAX_PAGES}.`);
    }
    const pages = Array.from({ length: Math.max(0, first.totalPages - 1) }, (_, i) => i + 1);
    await runPool(pages, options.concurrency ?? DEFAULT_CONCURRENCY, async (n) => void (n < endedAt && (await fetchPage(n, true))), signal);
    await drain();
    // Pages recorded as unchanged whose cases are no longer stored as they were: read in full.
    if (reread.length > 0) {
      await runPool(reread.splice(0), options.concurrency ?? DEFAULT_CONCURRENCY, async (n) => void (await fetchPage(n, false)), signal);
      await drain();
    }
    return { first, totals, total };
  } finally {
    // Whole pages only: what was prepared is committed (or the write's error stands), then the writer stops.
    await drain().catch(() => undefined);
    await writer.close();
    // The writer builds them as it closes; here only if it could not (a thread that died).
    store.restoreIndexes();
  }
}

function pageNumberOf(key: string): number {
  return Number(key.slice(key.lastIndexOf(':') + 1));
}

function sizeOf(page: PageWrite, records: Map<string, PageRecord>): number {
  return page.kind === 'full' ? page.cases.length : (records.get(page.key)?.idCount ?? 0);
}

async function fetchDetails(options: SyncRunOptions, signal: AbortSignal): Promise<number> {
  const { store, client } = options;
  const total = store.countPendingDetails();
  let done = 0;
  const message = 'Fetching patient identifiers';
  options.onProgress?.({ phase: 'cases', done, total, message });
  for (;;) {
    const ids = store.pendingDetailIds(200);
    if (ids.length === 0) break;
    await runPool(
      ids,
      options.detailConcurrency ?? DEFAULT_DETAIL_CONCURRENCY,
      async (id) => {
        try {
          const c = await client.getCase(id, true, signal);
          store.writeDetail(toCaseInput(c, true), true);
        } catch (error) {
          // Deleted since its page was read: nothing to show; the sweep removes it.
          if (error instanceof TesseraError && error.status === 404) store.markDetailDone(id);
          else throw error;
        }
        done++;
        options.onProgress?.({ phase: 'cases', done, total, message });
      },
      signal,
    );
    throwIfAborted(options.signal);
  }
  return done;
}

async function fetchAudit(options: SyncRunOptions, signal: AbortSignal): Promise<number> {
  const { store, client, clock } = options;
  const toDate = new Date(clock.now());
  const fromDate = new Date(clock.now() - (options.auditDays ?? 0) * 86_400_000);
  let stored = 0;
  try {
    for (let pageNumber = 0; ; pageNumber++) {
      const page = await client.auditLogs({ fromDate, toDate, pageNumber, pageSize: 1000 }, signal);
      stored += store.upsertAudit(page.content);
      if (page.last === true || pageNumber + 1 >= page.totalPages || page.content.length === 0) break;
    }
    // Reads can then tell "no events in the window" from "the audit log was never fetched".
    store.setMeta('audit_window', JSON.stringify({ days: options.auditDays ?? 0, syncedAt: toDate.toISOString() }));
  } catch (error) {
    if (options.signal?.aborted) throw error;
    // The audit log is an extra: a slow or failing audit service must not fail the sync.
    options.logger?.warn('audit log not cached', { code: (error as { code?: string }).code });
  }
  return stored;
}

/** 403 and 404 mean "no report for this case" (inactive, none yet, not ours): noted, not a failure of the sync. */
function unavailableStatus(error: unknown): string | undefined {
  return error instanceof TesseraError && (error.status === 403 || error.status === 404) ? String(error.status) : undefined;
}

/**
 * Fetches the report of every case whose report was never fetched or belongs to an
 * older version of the case (its fingerprint moved on), a few at a time, then (with
 * 'json+pdf') the PDFs of those reports. Reports are written a batch per transaction
 * (one commit per case cost more than the requests); a failure part-way (a 5xx after
 * the retries, the network) still writes the whole reports that arrived, and the next
 * sync fetches the rest. Cases the server says are inactive are not asked at all.
 */
async function fetchReports(options: SyncRunOptions, mode: Exclude<SyncReports, 'off'>, signal: AbortSignal): Promise<ReportCounts> {
  const { store, client } = options;
  const concurrency = options.reportConcurrency ?? DEFAULT_REPORT_CONCURRENCY;
  const counts: ReportCounts = { fetched: 0, unavailable: 0, pdfs: 0 };
  const progress = (done: number, total: number, message: string) => options.onProgress?.({ phase: 'reports', done, total, message });

  const total = store.countPendingReports();
  let done = 0;
  progress(done, total, 'case reports');
  for (let after = 0; ; ) {
    const batch = store.pendingReports(after, REPORT_BATCH);
    if (batch.length === 0) break;
    after = batch[batch.length - 1]!.rid;
    const fetched: Parameters<CacheStore['writeReports']>[0][number][] = [];
    try {
      await runPool(
        batch,
        concurrency,
        async (p) => {
          const activation = p.activationState;
          if (activation === null || activation?.toUpperCase() === 'INACTIVE') {
            // The platform serves no report for an inactive case: asking would only cost a request.
            fetched.push({ caseId: p.id, fingerprint: p.fingerprint, outcome: { unavailable: 'inactive' } });
            counts.unavailable++;
          } else {
            try {
              const report = await client.caseReport(p.id, signal);
              fetched.push({ caseId: p.id, fingerprint: p.fingerprint, outcome: { report: toReportInput(report) } });
              counts.fetched++;
            } catch (error) {
              const status = unavailableStatus(error);
              if (!status) throw error;
              fetched.push({ caseId: p.id, fingerprint: p.fingerprint, outcome: { unavailable: status } });
              counts.unavailable++;
            }
          }
          progress(++done, total, 'case reports');
        },
        signal,
      );
    } finally {
      // Whole reports only, also when the batch failed part-way: what arrived is kept.
      store.writeReports(fetched);
    }
    throwIfAborted(options.signal);
  }
  if (mode !== 'json+pdf') return counts;

  const pdfTotal = store.countPendingPdfs();
  let pdfDone = 0;
  progress(pdfDone, pdfTotal, 'report PDFs');
  for (let after = 0; ; ) {
    const batch = store.pendingPdfs(after, PDF_BATCH);
    if (batch.length === 0) break;
    after = batch[batch.length - 1]!.rid;
    const fetched: Parameters<CacheStore['writePdfBatch']>[0][number][] = [];
    try {
      await runPool(
        batch,
        concurrency,
        async (p) => {
          const pdfs: Array<{ reportTypeId: string; pdf: Uint8Array | null; reason?: string }> = [];
          for (const reportTypeId of p.reportTypeIds) {
            try {
              pdfs.push({ reportTypeId, pdf: await client.reportPdf(p.id, reportTypeId, signal) });
            } catch (error) {
              const status = unavailableStatus(error);
              if (!status) throw error;
              pdfs.push({ reportTypeId, pdf: null, reason: status });
            }
          }
          fetched.push({ caseId: p.id, fingerprint: p.fingerprint, pdfs });
          counts.pdfs += pdfs.filter((x) => x.pdf !== null).length;
          progress(++pdfDone, pdfTotal, 'report PDFs');
        },
        signal,
      );
    } finally {
      store.writePdfBatch(fetched);
    }
    throwIfAborted(options.signal);
  }
  return counts;
}

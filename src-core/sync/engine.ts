/**
 * One sync of a profile's cache: test definitions, then every case page by page, then
 * (when the profile opted in) the patient identifiers of new or changed cases, then
 * removal of the cases the server no longer has.
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
import { toCaseInput, toTestDefinition } from '../tss/normalize.js';
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
  logger?: Logger;
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
}

export const DEFAULT_PAGE_SIZE = 1000;
export const DEFAULT_CONCURRENCY = 3;
export const DEFAULT_DETAIL_CONCURRENCY = 4;
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

    // 2. Cases, page by page.
    const generation = store.beginPass(includeIdentifiers);
    const seen = new Set<string>();
    const totals = new Set<number>();
    let done = 0;
    let total: number | null = null;
    /** The first page that came back empty: there is nothing after it to ask for. */
    let endedAt = Infinity;

    const fetchPage = async (pageNumber: number) => {
      const page = await client.searchCases({ pageNumber, pageSize }, signal);
      throwIfAborted(options.signal);
      if (page.content.length === 0) endedAt = Math.min(endedAt, pageNumber);
      const inputs = page.content.map((c) => toCaseInput(c, includeIdentifiers));
      store.upsertPage(inputs, generation, includeIdentifiers);
      for (const c of inputs) seen.add(c.id);
      totals.add(page.totalElements);
      done += inputs.length;
      total = Math.max(page.totalElements, done);
      progress({ phase: 'cases', done, total });
      return page;
    };

    progress({ phase: 'cases', done: 0, total: null });
    const first = await fetchPage(0);
    if (first.totalPages > MAX_PAGES) {
      throw new TesseraError('MALFORMED_RESPONSE', `The case search claims ${first.totalPages} pages (${first.totalElements} cases); a sync reads at most ${MAX_PAGES}.`);
    }
    const pages = Array.from({ length: Math.max(0, first.totalPages - 1) }, (_, i) => i + 1);
    await runPool(pages, options.concurrency ?? DEFAULT_CONCURRENCY, async (n) => void (n < endedAt && (await fetchPage(n))), signal);
    throwIfAborted(options.signal);

    // 3. Identifiers of new or changed cases (opt-in only).
    let details = 0;
    if (includeIdentifiers) details = await fetchDetails(options, signal);

    // 4. Optional audit log window.
    let audit = 0;
    if (options.auditDays && options.auditDays > 0) audit = await fetchAudit(options, signal);

    // 5. Sweep and record the time, in one transaction.
    const clean = totals.size === 1 && seen.size === first.totalElements;
    if (!clean) {
      options.logger?.warn('sync pass not clean; removals deferred', { totals: [...totals], seen: seen.size });
    }
    progress({ phase: 'cleanup', done: seen.size, total });
    const { removed, deferred, syncedAt } = store.completePass(generation, { sweep: clean, allowMassRemoval: options.allowMassRemoval === true });
    if (deferred > 0) {
      options.logger?.warn('mass removal deferred', { deferred, seen: seen.size });
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
    return { tests: tests.length, cases: counts.cases, removed, syncedAt, swept: clean, removalDeferred: deferred, details, audit };
  } catch (error) {
    inner.abort();
    if (options.signal?.aborted) throw new TesseraError('CANCELLED', 'The sync was cancelled.', { cause: error });
    throw error;
  } finally {
    options.signal?.removeEventListener('abort', onOuterAbort);
  }
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

/**
 * The sync engine with a fake TSS client over the real (encrypted) store: bounded
 * concurrency, progress, mark-and-sweep only after a clean complete pass, failures
 * and cancellation that remove nothing, identifier details for new or changed cases
 * only, and an audit log that may fail without failing the sync.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { CacheStore } from '../../src-core/cache/store.js';
import { TesseraError } from '../../src-core/errors.js';
import { runSync, type ProgressUpdate } from '../../src-core/sync/engine.js';
import type { TssClient } from '../../src-core/tss/client.js';
import type { TssCase, TssCasePage } from '../../src-core/tss/schemas.js';
import { casePageOf, newCache } from '../fixtures/cache/helpers.js';
import { syntheticCases } from '../fixtures/cache/synthetic.js';

const stores: CacheStore[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});

interface FakeOptions {
  delayMs?: number;
  /** Called before a page is served; may throw or change what is served. */
  onPage?: (n: number) => void;
  totalOverride?: (n: number) => number | undefined;
  detailFails?: (id: string) => Error | undefined;
  auditFails?: boolean;
}

function fakeClient(all: () => Record<string, unknown>[], pageSize: number, opts: FakeOptions = {}) {
  const stats = { inFlight: 0, maxInFlight: 0, pages: [] as number[], details: [] as string[], detailInFlight: 0, maxDetailInFlight: 0, audit: 0 };
  const wait = (signal?: AbortSignal) =>
    new Promise<void>((resolve, reject) => {
      if (!opts.delayMs) return resolve();
      const t = setTimeout(resolve, opts.delayMs);
      signal?.addEventListener('abort', () => {
        clearTimeout(t);
        reject(new TesseraError('CANCELLED', 'cancelled'));
      });
    });
  const client: TssClient = {
    searchVersion: 'v2',
    async testDefinitions() {
      return [{ id: 't1', name: 'Panel', reports: [] }];
    },
    async searchCases(params, signal) {
      stats.inFlight++;
      stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
      try {
        await wait(signal);
        opts.onPage?.(params.pageNumber);
        stats.pages.push(params.pageNumber);
        const cases = all();
        const content = cases.slice(params.pageNumber * pageSize, (params.pageNumber + 1) * pageSize) as TssCase[];
        const total = opts.totalOverride?.(params.pageNumber) ?? cases.length;
        return { content, totalElements: total, totalPages: Math.ceil(cases.length / pageSize), number: params.pageNumber, size: pageSize } as TssCasePage;
      } finally {
        stats.inFlight--;
      }
    },
    casePage: (params, known, signal) => casePageOf(client.searchCases)(params, known, signal),
    async getCase(id, directIdentifiers, signal) {
      expect(directIdentifiers).toBe(true);
      stats.detailInFlight++;
      stats.maxDetailInFlight = Math.max(stats.maxDetailInFlight, stats.detailInFlight);
      try {
        await wait(signal);
        const failure = opts.detailFails?.(id);
        if (failure) throw failure;
        stats.details.push(id);
        return all().find((c) => c.id === id) as TssCase;
      } finally {
        stats.detailInFlight--;
      }
    },
    async findCaseId() {
      return null;
    },
    async auditLogs(params) {
      stats.audit++;
      if (opts.auditFails) throw new TesseraError('TIMEOUT', 'slow');
      return { content: [{ id: `e${params.pageNumber}`, createdDate: '2024-01-01T00:00:00.000Z' }], totalElements: 2, totalPages: 2, number: params.pageNumber, size: 1 };
    },
    async caseReport() {
      throw new Error('reports are not asked for in these tests');
    },
    async reportPdf() {
      throw new Error('reports are not asked for in these tests');
    },
  };
  return { client, stats };
}

const clock = { now: () => Date.parse('2025-06-01T12:00:00.000Z') };

async function setup() {
  const t = await newCache();
  stores.push(t.store);
  return t.store;
}

describe('runSync', () => {
  it('pages with bounded concurrency, reports progress, and sweeps after a clean pass', async () => {
    const store = await setup();
    let data = syntheticCases(950, 1);
    const { client, stats } = fakeClient(() => data, 100, { delayMs: 5 });
    const progress: ProgressUpdate[] = [];
    const first = await runSync({ store, client, clock, includeIdentifiers: false, pageSize: 100, concurrency: 3, onProgress: (p) => progress.push(p) });
    expect(first).toMatchObject({ tests: 1, cases: 950, removed: 0, swept: true, syncedAt: store.syncedAt });
    expect(stats.maxInFlight).toBe(3);
    expect(stats.pages.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const cases = progress.filter((p) => p.phase === 'cases' && p.total !== null);
    expect(cases.map((p) => p.done)).toEqual([...cases.map((p) => p.done)].sort((a, b) => a - b));
    expect(cases.at(-1)).toEqual({ phase: 'cases', done: 950, total: 950 });
    expect(progress.map((p) => p.phase).filter((p, i, a) => a[i - 1] !== p)).toEqual(['tests', 'cases', 'cleanup', 'done']);

    data = data.slice(100);
    const second = await runSync({ store, client, clock, includeIdentifiers: false, pageSize: 100 });
    expect(second).toMatchObject({ cases: 850, removed: 100, swept: true });
  });

  it('recognises pages that came back byte for byte: nothing re-validated or rewritten, the cache the same', async () => {
    const store = await setup();
    const data = syntheticCases(450, 7);
    const { client } = fakeClient(() => data, 100);
    const full: number[] = [];
    const counting: TssClient = {
      ...client,
      casePage: async (params, known, signal) => {
        const r = await client.casePage(params, known, signal);
        if (r.page) full.push(params.pageNumber);
        return r;
      },
    };
    await runSync({ store, client: counting, clock, includeIdentifiers: false, pageSize: 100 });
    expect(full.sort()).toEqual([0, 1, 2, 3, 4]);
    const before = store.search({ text: 'oncology', limit: 500 });

    full.length = 0;
    const again = await runSync({ store, client: counting, clock, includeIdentifiers: false, pageSize: 100 });
    expect(full).toEqual([]);
    expect(again).toMatchObject({ cases: 450, removed: 0, swept: true });
    expect(store.search({ text: 'oncology', limit: 500 })).toEqual(before);

    // One case changed on the server: its page, and only its page, is read in full.
    data[230] = { ...data[230]!, status: 'Complete' };
    full.length = 0;
    await runSync({ store, client: counting, clock, includeIdentifiers: false, pageSize: 100 });
    expect(full).toEqual([2]);
    expect(store.getCase(String(data[230]!.id))?.status).toBe('Complete');

    // Recorded pages belong to one way of storing cases: with identifiers, every page is read again.
    full.length = 0;
    await runSync({ store, client: counting, clock, includeIdentifiers: true, pageSize: 100 });
    expect(full.sort()).toEqual([0, 1, 2, 3, 4]);
  });

  it('reads an unchanged page in full again when its cases are no longer stored as it wrote them', async () => {
    const store = await setup();
    const data = syntheticCases(300, 8);
    const { client, stats } = fakeClient(() => data, 100);
    await runSync({ store, client, clock, includeIdentifiers: false, pageSize: 100 });
    const gone = String(data[150]!.id);
    expect(store.deleteCase(gone)).toBe(true);

    stats.pages.length = 0;
    const r = await runSync({ store, client, clock, includeIdentifiers: false, pageSize: 100 });
    expect(r).toMatchObject({ cases: 300, removed: 0, swept: true });
    expect(store.getCase(gone)?.id).toBe(gone);
    expect(stats.pages.sort()).toEqual([0, 1, 1, 2]);
  });

  it('defers removals when the server changed during the pass (totals differ or ids repeat)', async () => {
    const store = await setup();
    const data = syntheticCases(300, 2);
    await runSync({ store, client: fakeClient(() => data, 100).client, clock, includeIdentifiers: false, pageSize: 100 });
    const fewer = data.slice(0, 250);
    const shifting = fakeClient(() => fewer, 100, { totalOverride: (n) => (n === 0 ? 300 : undefined) });
    const r = await runSync({ store, client: shifting.client, clock, includeIdentifiers: false, pageSize: 100 });
    expect(r).toMatchObject({ swept: false, removed: 0, cases: 300 });

    const repeated = [...fewer.slice(0, 100), ...fewer.slice(0, 100), ...fewer.slice(200)];
    const dup = await runSync({ store, client: fakeClient(() => repeated, 100).client, clock, includeIdentifiers: false, pageSize: 100 });
    expect(dup).toMatchObject({ swept: false, removed: 0 });

    const clean = await runSync({ store, client: fakeClient(() => fewer, 100).client, clock, includeIdentifiers: false, pageSize: 100 });
    expect(clean).toMatchObject({ swept: true, removed: 50, cases: 250 });
  });

  it('a failing page stops the others and removes nothing; lastSyncedAt stays', async () => {
    const store = await setup();
    let data = syntheticCases(500, 3);
    await runSync({ store, client: fakeClient(() => data, 100).client, clock: { now: () => 1_000 }, includeIdentifiers: false, pageSize: 100 });
    const syncedAt = store.syncedAt;
    data = syntheticCases(1000, 3).slice(0, 1000);
    const failing = fakeClient(() => data, 50, {
      delayMs: 2,
      onPage: (n) => {
        if (n === 2) throw new TesseraError('SERVER_ERROR', 'boom');
      },
    });
    await expect(runSync({ store, client: failing.client, clock, includeIdentifiers: false, pageSize: 50, concurrency: 2 })).rejects.toMatchObject({ code: 'SERVER_ERROR' });
    // The pool stops starting pages after the failure: far fewer than the 20 pages were served.
    expect(failing.stats.pages.length).toBeLessThan(8);
    expect(store.counts().cases).toBe(500);
    expect(store.syncedAt).toBe(syncedAt);
  });

  it('cancellation ends with CANCELLED and removes nothing', async () => {
    const store = await setup();
    const data = syntheticCases(400, 4);
    await runSync({ store, client: fakeClient(() => data, 100).client, clock, includeIdentifiers: false, pageSize: 100 });
    const controller = new AbortController();
    const slow = fakeClient(() => data.slice(0, 100), 10, {
      delayMs: 5,
      onPage: (n) => {
        if (n === 3) controller.abort();
      },
    });
    await expect(runSync({ store, client: slow.client, clock, includeIdentifiers: false, pageSize: 10, signal: controller.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(store.counts().cases).toBe(400);
  });

  it('fetches identifiers for new and changed cases only, bounded, and skips cases deleted meanwhile', async () => {
    const store = await setup();
    const data = syntheticCases(60, 5);
    const deleted = String(data[7]!.id);
    const first = fakeClient(() => data, 25, { delayMs: 1, detailFails: (id) => (id === deleted ? new TesseraError('NOT_FOUND', 'gone', { status: 404 }) : undefined) });
    const r = await runSync({ store, client: first.client, clock, includeIdentifiers: true, pageSize: 25, detailConcurrency: 4 });
    expect(first.stats.details).toHaveLength(59);
    expect(first.stats.maxDetailInFlight).toBe(4);
    expect(r.details).toBe(60);
    const mrn = (data[3]!.caseSubjects as { subject: { mrn: string } }[])[0]!.subject.mrn;
    expect(store.search({ text: mrn }).total).toBe(1);

    data[10] = { ...data[10]!, status: 'Changed' };
    const second = fakeClient(() => data, 25);
    await runSync({ store, client: second.client, clock, includeIdentifiers: true, pageSize: 25 });
    expect(second.stats.details).toEqual([String(data[10]!.id)]);

    // Any other detail failure fails the sync (and the next one retries the missing details).
    data[11] = { ...data[11]!, status: 'Changed' };
    const third = fakeClient(() => data, 25, { detailFails: () => new TesseraError('NETWORK', 'down') });
    await expect(runSync({ store, client: third.client, clock, includeIdentifiers: true, pageSize: 25 })).rejects.toMatchObject({ code: 'NETWORK' });
    expect(store.countPendingDetails()).toBe(1);
  });

  it('caches an audit window when asked, and a failing audit log does not fail the sync', async () => {
    const store = await setup();
    const data = syntheticCases(10, 6);
    const ok = fakeClient(() => data, 10);
    expect((await runSync({ store, client: ok.client, clock, includeIdentifiers: false, auditDays: 7 })).audit).toBe(2);
    const failing = fakeClient(() => data, 10, { auditFails: true });
    await expect(runSync({ store, client: failing.client, clock, includeIdentifiers: false, auditDays: 7 })).resolves.toMatchObject({ audit: 0, cases: 10 });
    const none = fakeClient(() => data, 10);
    await runSync({ store, client: none.client, clock, includeIdentifiers: false });
    expect(none.stats.audit).toBe(0);
  });
});

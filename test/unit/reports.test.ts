/**
 * Case reports in the cache: normalisation of the platform's report, the migration that
 * adds the report tables and the `reports` column of the index (existing caches keep
 * their search), the change signal, PDFs as BLOBs, search by gene and HGVS with the
 * match named, and removal with the case.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, SCHEMA_VERSION } from '../../src-core/cache/migrations.js';
import { searchCases } from '../../src-core/cache/search.js';
import { loadSqlite, openDatabase } from '../../src-core/cache/sqlite.js';
import type { CacheStore } from '../../src-core/cache/store.js';
import { TesseraError } from '../../src-core/errors.js';
import { systemClock } from '../../src-core/ports.js';
import { runSync, type ProgressUpdate } from '../../src-core/sync/engine.js';
import type { TssClient } from '../../src-core/tss/client.js';
import { toReportInput } from '../../src-core/tss/normalize.js';
import { TssReportSchema, type TssCase, type TssCasePage } from '../../src-core/tss/schemas.js';
import { casePageOf, fullPass, newCache } from '../fixtures/cache/helpers.js';
import { syntheticCases } from '../fixtures/cache/synthetic.js';
import { newDataDir } from '../helpers/env.js';

const open: CacheStore[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

function platformReport(variants: Array<{ gene: string; hgvsc: string; hgvsp: string }>, editStatus: string | null = null) {
  return TssReportSchema.parse({
    reportTypes: [
      {
        id: 'rt-1',
        reportType: 'Hereditary Risk Report',
        reportTypeId: 'type-1',
        reportDetails: {
          reportId: 'r-1',
          status: 'COMPLETE',
          subState: 'SIGNED_OFF',
          name: 'Hereditary Risk Report',
          editStatus,
          variants: variants.map((v) => ({
            gene: v.gene,
            chromosome: 'chr17',
            start: '43057062',
            stop: 43057062,
            refAllele: 'G',
            altAllele: 'GC',
            transcript: { name: 'NM_007294.4', hgvsc: v.hgvsc, hgvsp: v.hgvsp, exons: '20/23', proteinId: 'NP_009225.1', consequences: ['frameshift_variant'] },
            extra: { unknown: true },
          })),
        },
      },
    ],
    truSightSoftwareSuiteVersion: '2.6.1',
    dragenVersion: 4.2,
    somethingNew: [1, 2],
  });
}

const BRCA1 = { gene: 'BRCA1', hgvsc: 'c.5266dupC', hgvsp: 'p.(Gln1756ProfsTer74)' };
const BRCA1_DEL = { gene: 'BRCA1', hgvsc: 'c.68_69delAG', hgvsp: 'p.(Glu23ValfsTer17)' };
const TP53 = { gene: 'TP53', hgvsc: 'c.524G>A', hgvsp: 'p.(Arg175His)' };

describe('report normalisation', () => {
  it('keeps the fields the faces show, tolerates numbers as text and unknown fields, and builds the search text', () => {
    const r = toReportInput(platformReport([BRCA1, TP53], 'Amended'));
    expect(r.versions).toEqual({ truSightSoftwareSuite: '2.6.1', dragen: '4.2' });
    expect(r.reportTypes).toHaveLength(1);
    const t = r.reportTypes[0]!;
    expect(t).toMatchObject({ reportType: 'Hereditary Risk Report', reportTypeId: 'type-1', status: 'COMPLETE', subState: 'SIGNED_OFF', editStatus: 'Amended' });
    expect(t.variants[0]).toEqual({
      gene: 'BRCA1',
      chromosome: 'chr17',
      start: 43057062,
      stop: 43057062,
      refAllele: 'G',
      altAllele: 'GC',
      transcript: 'NM_007294.4',
      hgvsc: 'c.5266dupC',
      hgvsp: 'p.(Gln1756ProfsTer74)',
      exons: '20/23',
      proteinId: 'NP_009225.1',
      consequences: ['frameshift_variant'],
    });
    expect(r.searchText).toBe('BRCA1 c.5266dupC p.(Gln1756ProfsTer74) NM_007294.4 ; TP53 c.524G>A p.(Arg175His) NM_007294.4');
    expect((r.raw as { somethingNew?: unknown }).somethingNew).toEqual([1, 2]);
  });

  it('an original report has no edit status; a report without report types is empty, not an error', () => {
    expect(toReportInput(platformReport([BRCA1])).reportTypes[0]!.editStatus).toBeUndefined();
    expect(toReportInput(TssReportSchema.parse({})).reportTypes).toEqual([]);
  });
});

describe('migration to version 2', () => {
  it('adds the report tables and rebuilds the index of an existing cache, which stays searchable', async () => {
    const Sqlite = await loadSqlite();
    const db = openDatabase(Sqlite, ':memory:');
    migrate(db, 1);
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    // A version-1 cache as the version-1 writer left it.
    const summary = { id: 'c-1', displayId: 'CASE-000042', status: 'Complete', caseSubjects: [{ samples: [{ externalSampleId: 'SMP-42-1' }] }] };
    db.prepare("INSERT INTO cases (rid, id, display_id, status, test_name, tags_json, fingerprint, generation) VALUES (7, 'c-1', 'CASE-000042', 'Complete', 'Hereditary Cancer Panel', '[\"urgent\"]', 'fp', 1)").run();
    db.prepare('INSERT INTO case_docs (rid, summary_json) VALUES (7, ?)').run(JSON.stringify(summary));
    db.prepare(
      "INSERT INTO cases_fts (rowid, display_id, test_name, status, sub_state, tags, samples, identifiers) VALUES (7, 'CASE-000042', 'Hereditary Cancer Panel', 'Complete', '', 'urgent', 'SMP-42-1', '')",
    ).run();

    expect(migrate(db)).toBe(1);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    for (const text of ['CASE-000042', 'smp-42', 'urgent', 'hereditary']) {
      expect(searchCases(db, { text }).items.map((c) => c.id), text).toEqual(['c-1']);
    }
    const columns = (db.prepare('SELECT * FROM cases_fts LIMIT 0').columns() as Array<{ name: string }>).map((c) => c.name);
    expect(columns).toContain('reports');
    expect(db.prepare('SELECT count(*) FROM case_reports').pluck().get()).toBe(0);
    db.close();
  });
});

describe('reports in the store', () => {
  async function cacheWith(n: number) {
    const c = await newCache({ dataDir: newDataDir('reports-unit') });
    open.push(c.store);
    const cases = syntheticCases(n, 5);
    fullPass(c.store, cases);
    return { ...c, cases };
  }

  it('finds cases by gene and by HGVS notation (phrase of its tokens) and names the match', async () => {
    const { store, cases } = await cacheWith(30);
    const [a, b, c] = cases.map((x) => x.id as string);
    store.writeReport(a!, { report: toReportInput(platformReport([BRCA1])) });
    store.writeReport(b!, { report: toReportInput(platformReport([BRCA1_DEL, TP53])) });
    store.writeReport(c!, { unavailable: '404' });

    const ids = (text: string) => store.search({ text, limit: 100 }).items.map((x) => x.id).sort();
    expect(ids('BRCA1')).toEqual([a, b].sort());
    expect(ids('brca')).toEqual([a, b].sort());
    expect(ids('c.5266dupC')).toEqual([a]);
    expect(ids('c.68_69delAG')).toEqual([b]);
    expect(ids('c.68_69delAT')).toEqual([]);
    expect(ids('BRCA1 c.524G>A')).toEqual([b]);
    expect(ids('p.(Arg175His)')).toEqual([b]);

    const hit = store.search({ text: 'c.68_69delAG' }).items[0]!;
    expect(hit.match).toBe('BRCA1 c.68_69delAG');
    expect(store.search({ text: 'TP53' }).items[0]!.match).toBe('TP53 c.524G>A');
    // A search that matched other fields only names no variant.
    const byDisplayId = store.search({ text: cases[0]!.displayId as string }).items[0]!;
    expect(byDisplayId.match).toBeUndefined();
  });

  it('a case is pending until its report is fetched for its current version, and again once it changes', async () => {
    const { store, cases } = await cacheWith(5);
    expect(store.countPendingReports()).toBe(5);
    for (const p of store.pendingReports(0, 100)) store.writeReport(p.id, { unavailable: 'inactive' }, p.fingerprint);
    expect(store.countPendingReports()).toBe(0);
    // The case changed on the server: a new fingerprint.
    const changed = { ...cases[2]!, updatedDate: '2030-01-01T00:00:00.000Z' };
    fullPass(store, [...cases.slice(0, 2), changed, ...cases.slice(3)]);
    expect(store.pendingReports(0, 100).map((p) => p.id)).toEqual([cases[2]!.id]);
  });

  it('keeps PDFs as BLOBs, drops them when the report changes, and removes everything with the case', async () => {
    const { store, cases } = await cacheWith(3);
    const id = cases[0]!.id as string;
    store.writeReport(id, { report: toReportInput(platformReport([BRCA1])) });
    const [pending] = store.pendingPdfs(0, 10);
    expect(pending).toMatchObject({ id, reportTypeIds: ['type-1'] });
    const pdf = new Uint8Array(Buffer.from('%PDF-1.4\n%%EOF\n'));
    // One PDF kept interactively leaves the case's PDFs pending for a sync.
    store.writePdfs(id, pending!.fingerprint, [{ reportTypeId: 'type-1', pdf }], false);
    expect(store.countPendingPdfs()).toBe(1);
    store.writePdfs(id, pending!.fingerprint, [{ reportTypeId: 'type-1', pdf }]);
    expect(store.countPendingPdfs()).toBe(0);
    expect(Buffer.from(store.readPdf(id, 'type-1')!).toString()).toBe('%PDF-1.4\n%%EOF\n');
    expect(store.readReport(id)!.reportTypes[0]!.pdfCached).toBe(true);

    store.writeReport(id, { report: toReportInput(platformReport([BRCA1], 'Corrected')) });
    expect(store.readPdf(id, 'type-1')).toBeNull();
    expect(store.countPendingPdfs()).toBe(1);

    store.writePdfs(id, pending!.fingerprint, [{ reportTypeId: 'type-1', pdf }]);
    fullPass(store, cases.slice(1));
    expect(store.readReport(id)).toBeNull();
    expect(store.db.prepare('SELECT count(*) FROM report_pdfs').pluck().get()).toBe(0);
    expect(store.search({ text: 'BRCA1' }).total).toBe(0);
  });
});

describe('the reports phase of a sync', () => {
  /** A TSS whose reports answer after a short wait, with chosen failures per case. */
  function client(cases: Record<string, unknown>[], fail: (id: string) => TesseraError | undefined) {
    const stats = { inFlight: 0, maxInFlight: 0, asked: [] as string[], pdfs: 0 };
    const c: TssClient = {
      searchVersion: 'v2',
      testDefinitions: async () => [],
      searchCases: async (params) => ({ content: cases as TssCase[], totalElements: cases.length, totalPages: 1, number: params.pageNumber, size: 1000 }) as TssCasePage,
      casePage: (params, known, signal) => casePageOf(c.searchCases)(params, known, signal),
      getCase: async () => {
        throw new Error('not asked');
      },
      findCaseId: async () => null,
      auditLogs: async () => {
        throw new Error('not asked');
      },
      async caseReport(id) {
        stats.asked.push(id);
        stats.inFlight++;
        stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
        try {
          await new Promise((r) => setTimeout(r, 2));
          const failure = fail(id);
          if (failure) throw failure;
          return platformReport([BRCA1]);
        } finally {
          stats.inFlight--;
        }
      },
      async reportPdf() {
        stats.pdfs++;
        return new Uint8Array(Buffer.from('%PDF-1.4\n%%EOF\n'));
      },
    };
    return { client: c, stats };
  }

  it('fetches at most four at a time with progress, notes inactive, 403 and 404 cases, and fetches nothing again', async () => {
    const c = await newCache({ dataDir: newDataDir('reports-sync') });
    open.push(c.store);
    const cases = syntheticCases(40, 9).map((x, i): Record<string, unknown> => ({ ...x, activationState: i === 0 ? 'INACTIVE' : i === 1 ? null : 'ACTIVE' }));
    const id = (i: number) => cases[i]!.id as string;
    const { client: tss, stats } = client(cases, (x) =>
      x === id(2) ? new TesseraError('NOT_FOUND', 'none', { status: 404 }) : x === id(3) ? new TesseraError('FORBIDDEN', 'no', { status: 403 }) : undefined,
    );
    const progress: ProgressUpdate[] = [];
    const result = await runSync({ store: c.store, client: tss, clock: systemClock, includeIdentifiers: false, reports: 'json+pdf', onProgress: (p) => progress.push(p) });
    expect(result.reports).toEqual({ fetched: 36, unavailable: 4, pdfs: 36 });
    expect(stats.asked).toHaveLength(38);
    expect(stats.asked).not.toContain(id(0));
    expect(stats.asked).not.toContain(id(1));
    expect(stats.maxInFlight).toBe(4);
    const reports = progress.filter((p) => p.phase === 'reports' && p.message === 'case reports');
    expect(reports.at(-1)).toMatchObject({ done: 40, total: 40 });
    expect(c.store.readReport(id(0))).toMatchObject({ available: false, unavailableReason: 'inactive' });
    expect(c.store.readReport(id(2))).toMatchObject({ available: false, unavailableReason: '404' });
    expect(c.store.readReport(id(3))).toMatchObject({ available: false, unavailableReason: '403' });
    expect(c.store.search({ text: 'c.5266dupC', limit: 100 }).total).toBe(36);

    stats.asked.length = 0;
    const again = await runSync({ store: c.store, client: tss, clock: systemClock, includeIdentifiers: false, reports: 'json+pdf' });
    expect(again.reports).toEqual({ fetched: 0, unavailable: 0, pdfs: 0 });
    expect(stats.asked).toEqual([]);
  });

  it('a server error fails the sync and keeps the reports already written; the next sync fetches the rest', async () => {
    const c = await newCache({ dataDir: newDataDir('reports-sync') });
    open.push(c.store);
    const cases = syntheticCases(30, 11).map((x): Record<string, unknown> => ({ ...x, activationState: 'ACTIVE' }));
    let broken = true;
    const { client: tss } = client(cases, (x) => (broken && x === cases[20]!.id ? new TesseraError('SERVER_ERROR', 'boom', { status: 503 }) : undefined));
    await expect(runSync({ store: c.store, client: tss, clock: systemClock, includeIdentifiers: false, reports: 'json' })).rejects.toMatchObject({ code: 'SERVER_ERROR' });
    const kept = c.store.search({ text: 'BRCA1', limit: 100 }).total;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(30);
    broken = false;
    const next = await runSync({ store: c.store, client: tss, clock: systemClock, includeIdentifiers: false, reports: 'json' });
    expect(next.reports?.fetched).toBe(30 - kept);
    expect(c.store.search({ text: 'BRCA1', limit: 100 }).total).toBe(30);
  });
});

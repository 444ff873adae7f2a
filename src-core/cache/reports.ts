/**
 * Case reports in the cache (tables of migration 2): the JSON report of a case, or a
 * note that it could not be had, and its PDFs as BLOBs, all inside the encrypted file.
 *
 * The change signal is the case's fingerprint (a hash of its search JSON, which moves
 * with `updatedDate`): a report is fetched again only when the case changed since, so a
 * sync with reports never fetches every report again.
 */
import type { CaseReport, ReportTypeView, ReportVariant } from '../../src-shared/schemas.js';
import type { ReportInput } from '../tss/normalize.js';
import { reindex } from './cases.js';
import type { Database } from './sqlite.js';
import { stmt } from './statements.js';

export interface PendingReport {
  id: string;
  rid: number;
  fingerprint: string;
  /** The case's activation state as its search JSON says (null: the server sent null). */
  activationState: string | null | undefined;
}

interface ReportRow {
  id: string;
  display_id: string;
  fingerprint: string;
  fetched_at: string;
  available: number;
  reason: string | null;
  report_json: string | null;
}

function activationOf(summaryJson: string): string | null | undefined {
  try {
    const v = (JSON.parse(summaryJson) as { activationState?: unknown }).activationState;
    return typeof v === 'string' ? v : v === null ? null : undefined;
  } catch {
    return undefined;
  }
}

/** Cases whose report was never fetched or belongs to an older version of the case, after `afterRid`. */
export function pendingReports(db: Database, afterRid: number, limit: number): PendingReport[] {
  const rows = stmt(
    db,
    `SELECT c.id, c.rid, c.fingerprint, d.summary_json FROM cases c JOIN case_docs d ON d.rid = c.rid
       LEFT JOIN case_reports r ON r.rid = c.rid
      WHERE c.rid > ? AND (r.rid IS NULL OR r.fingerprint <> c.fingerprint) ORDER BY c.rid LIMIT ?`,
  ).all(afterRid, limit) as Array<{ id: string; rid: number; fingerprint: string; summary_json: string }>;
  return rows.map((r) => ({ id: r.id, rid: r.rid, fingerprint: r.fingerprint, activationState: activationOf(r.summary_json) }));
}

export function countPendingReports(db: Database): number {
  return stmt(db, 'SELECT count(*) FROM cases c LEFT JOIN case_reports r ON r.rid = c.rid WHERE r.rid IS NULL OR r.fingerprint <> c.fingerprint').pluck().get() as number;
}

/** Cases with an available report whose PDFs were never fetched for this version of the case. */
export function pendingPdfs(db: Database, afterRid: number, limit: number): Array<{ id: string; rid: number; fingerprint: string; reportTypeIds: string[] }> {
  const rows = stmt(
    db,
    `SELECT c.id, c.rid, c.fingerprint, r.report_json FROM case_reports r JOIN cases c ON c.rid = r.rid
      WHERE r.rid > ? AND r.available = 1 AND r.fingerprint = c.fingerprint AND (r.pdf_fingerprint IS NULL OR r.pdf_fingerprint <> c.fingerprint)
      ORDER BY r.rid LIMIT ?`,
  ).all(afterRid, limit) as Array<{ id: string; rid: number; fingerprint: string; report_json: string }>;
  return rows.map((r) => ({ id: r.id, rid: r.rid, fingerprint: r.fingerprint, reportTypeIds: reportTypeIdsOf(r.report_json) }));
}

export function countPendingPdfs(db: Database): number {
  return stmt(
    db,
    `SELECT count(*) FROM case_reports r JOIN cases c ON c.rid = r.rid
      WHERE r.available = 1 AND r.fingerprint = c.fingerprint AND (r.pdf_fingerprint IS NULL OR r.pdf_fingerprint <> c.fingerprint)`,
  )
    .pluck()
    .get() as number;
}

function reportTypeIdsOf(json: string): string[] {
  try {
    const stored = JSON.parse(json) as { reportTypes?: Array<{ reportTypeId?: string }> };
    return (stored.reportTypes ?? []).map((t) => t.reportTypeId).filter((id): id is string => typeof id === 'string' && id !== '');
  } catch {
    return [];
  }
}

function ridOf(db: Database, caseId: string): number | undefined {
  return stmt(db, 'SELECT rid FROM cases WHERE id = ?').pluck().get(caseId) as number | undefined;
}

/**
 * Stores a case's report (or that it has none to fetch) for the case version
 * `fingerprint` and rewrites the case's index row, in one transaction. Its cached PDFs
 * are dropped when the report changed, since they belong to the older report.
 */
export function writeReport(
  db: Database,
  caseId: string,
  fingerprint: string,
  fetchedAt: string,
  outcome: { report: ReportInput } | { unavailable: string },
): boolean {
  let written = false;
  db.transaction(() => {
    const rid = ridOf(db, caseId);
    if (rid === undefined) return;
    const before = stmt(db, 'SELECT report_json FROM case_reports WHERE rid = ?').pluck().get(rid) as string | null | undefined;
    const stored = 'report' in outcome ? JSON.stringify({ reportTypes: outcome.report.reportTypes, versions: outcome.report.versions, raw: outcome.report.raw }) : null;
    stmt(
      db,
      `INSERT INTO case_reports (rid, fingerprint, fetched_at, available, reason, report_json, search_text) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (rid) DO UPDATE SET fingerprint = excluded.fingerprint, fetched_at = excluded.fetched_at, available = excluded.available,
           reason = excluded.reason, report_json = excluded.report_json, search_text = excluded.search_text`,
    ).run(rid, fingerprint, fetchedAt, stored ? 1 : 0, 'unavailable' in outcome ? outcome.unavailable : null, stored, 'report' in outcome ? outcome.report.searchText : '');
    if (before !== stored) {
      stmt(db, 'DELETE FROM report_pdfs WHERE rid = ?').run(rid);
      stmt(db, 'UPDATE case_reports SET pdf_fingerprint = NULL WHERE rid = ?').run(rid);
    }
    reindex(db, rid);
    written = true;
  })();
  return written;
}

/**
 * Stores the PDFs fetched for one case version (a null `pdf` notes one the server would
 * not give). `complete` (a sync, which fetched every report type) marks the case's PDFs
 * done for this version; one PDF opened interactively does not.
 */
export function writePdfs(
  db: Database,
  caseId: string,
  fingerprint: string,
  fetchedAt: string,
  pdfs: Array<{ reportTypeId: string; pdf: Uint8Array | null; reason?: string }>,
  complete = true,
): void {
  db.transaction(() => {
    const rid = ridOf(db, caseId);
    if (rid === undefined) return;
    for (const p of pdfs) {
      stmt(
        db,
        `INSERT INTO report_pdfs (rid, report_type_id, fetched_at, pdf, reason) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (rid, report_type_id) DO UPDATE SET fetched_at = excluded.fetched_at, pdf = excluded.pdf, reason = excluded.reason`,
      ).run(rid, p.reportTypeId, fetchedAt, p.pdf ? Buffer.from(p.pdf) : null, p.reason ?? null);
    }
    if (complete) stmt(db, 'UPDATE case_reports SET pdf_fingerprint = ? WHERE rid = ?').run(fingerprint, rid);
  })();
}

/** The cached report of a case (by id), or null when none was ever fetched. */
export function readReport(db: Database, caseId: string): CaseReport | null {
  const r = stmt(
    db,
    `SELECT c.id, c.display_id, r.fingerprint, r.fetched_at, r.available, r.reason, r.report_json
       FROM cases c JOIN case_reports r ON r.rid = c.rid WHERE c.id = ?`,
  ).get(caseId) as ReportRow | undefined;
  if (!r) return null;
  const cachedPdfs = new Set(
    stmt(db, 'SELECT p.report_type_id FROM report_pdfs p JOIN cases c ON c.rid = p.rid WHERE c.id = ? AND p.pdf IS NOT NULL').pluck().all(caseId) as string[],
  );
  let stored: { reportTypes?: Omit<ReportTypeView, 'pdfCached'>[]; versions?: CaseReport['versions']; raw?: Record<string, unknown> } = {};
  try {
    stored = r.report_json ? (JSON.parse(r.report_json) as typeof stored) : {};
  } catch {
    stored = {};
  }
  const out: CaseReport = {
    caseId: r.id,
    displayId: r.display_id,
    available: r.available === 1,
    reportTypes: (stored.reportTypes ?? []).map((t) => ({ ...t, pdfCached: t.reportTypeId !== undefined && cachedPdfs.has(t.reportTypeId) })),
    versions: stored.versions ?? {},
    fetchedAt: r.fetched_at,
    raw: stored.raw ?? {},
  };
  if (r.reason) out.unavailableReason = r.reason;
  return out;
}

/** The case's fingerprint, the version a report fetched now belongs to. */
export function caseFingerprint(db: Database, caseId: string): string | undefined {
  return stmt(db, 'SELECT fingerprint FROM cases WHERE id = ?').pluck().get(caseId) as string | undefined;
}

export function readPdf(db: Database, caseId: string, reportTypeId: string): Uint8Array | null {
  const pdf = stmt(db, 'SELECT p.pdf FROM report_pdfs p JOIN cases c ON c.rid = p.rid WHERE c.id = ? AND p.report_type_id = ?').pluck().get(caseId, reportTypeId) as
    | Buffer
    | null
    | undefined;
  return pdf ? new Uint8Array(pdf) : null;
}

/** The reported variants of a case with an available, searchable report (for naming what a search matched). */
export function reportedVariants(db: Database, caseId: string): ReportVariant[] {
  const json = stmt(db, "SELECT r.report_json FROM case_reports r JOIN cases c ON c.rid = r.rid WHERE c.id = ? AND r.available = 1 AND r.search_text <> ''")
    .pluck()
    .get(caseId) as string | undefined;
  if (!json) return [];
  try {
    const stored = JSON.parse(json) as { reportTypes?: Array<{ variants?: ReportVariant[] }> };
    return (stored.reportTypes ?? []).flatMap((t) => t.variants ?? []);
  } catch {
    return [];
  }
}

/**
 * Reading one case for the detail view: the summary columns (the freshest status and
 * dates), the detail JSON when one was fetched, and the subjects and samples.
 */
import type { CaseDetail, CaseSubject } from '../../src-shared/schemas.js';
import { normalizeDate } from '../tss/dates.js';
import type { Database } from './sqlite.js';
import { stmt } from './statements.js';
import { rowToSummary, SUMMARY_COLUMNS, type SummaryRow } from './search.js';
import { isJsonObject, parseJsonObject, type JsonObject } from '../json.js';

interface DetailRow extends SummaryRow {
  summary_json: string;
  detail_json: string | null;
  detail_current: number;
}

function str(v: unknown): string | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function assign<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}

function subjectsOf(raw: JsonObject): CaseSubject[] {
  const list = Array.isArray(raw.caseSubjects) ? raw.caseSubjects : [];
  return list.filter(isJsonObject).map((cs) => {
    const out: CaseSubject = { samples: [] };
    assign(out, 'id', str(cs.id));
    assign(out, 'relationshipToProband', str(cs.relationshipToProband));
    if (isJsonObject(cs.subject)) {
      const s = cs.subject;
      const subject: NonNullable<CaseSubject['subject']> = {};
      assign(subject, 'firstName', str(s.firstName));
      assign(subject, 'lastName', str(s.lastName));
      assign(subject, 'mrn', str(s.mrn));
      assign(subject, 'dateOfBirth', str(s.dateOfBirth));
      assign(subject, 'gender', str(s.gender));
      out.subject = subject;
    }
    for (const sample of Array.isArray(cs.samples) ? cs.samples.filter(isJsonObject) : []) {
      const o: CaseSubject['samples'][number] = {};
      for (const k of ['id', 'externalSampleId', 'externalSampleName', 'sampleType', 'status'] as const) assign(o, k, str(sample[k]));
      for (const k of ['dateReceived', 'dateCollected'] as const) {
        const t = str(sample[k]);
        assign(o, k, t ? (normalizeDate(t) ?? t) : undefined);
      }
      out.samples.push(o);
    }
    return out;
  });
}

/**
 * The server JSON shown as `raw`: the detail when it is current; otherwise the newer
 * summary's fields over the older detail's (keeping the detail's subjects, which the
 * search endpoint may not carry in full).
 */
function mergedRaw(summary: JsonObject, detail: JsonObject | null, detailCurrent: boolean): JsonObject {
  if (!detail) return summary;
  if (detailCurrent) return detail;
  const { caseSubjects: _ignored, ...rest } = summary;
  return { ...detail, ...rest };
}

export function readCase(db: Database, idOrDisplayId: string): CaseDetail | null {
  const from = `SELECT ${SUMMARY_COLUMNS}, d.summary_json, d.detail_json, c.detail_current FROM cases c JOIN case_docs d ON d.rid = c.rid`;
  const row =
    (stmt(db, `${from} WHERE c.id = ?`).get(idOrDisplayId) as DetailRow | undefined) ??
    (stmt(db, `${from} WHERE c.display_id = ? ORDER BY c.updated_date DESC LIMIT 1`).get(idOrDisplayId) as DetailRow | undefined);
  if (!row) return null;
  const raw = mergedRaw(parseJsonObject(row.summary_json) ?? {}, parseJsonObject(row.detail_json), row.detail_current === 1);
  const detail: CaseDetail = { ...rowToSummary(row), caseSubjects: subjectsOf(raw), raw };
  assign(detail, 'createdBy', str(raw.createdBy));
  assign(detail, 'updatedBy', str(raw.updatedBy));
  const start = str(raw.startDate);
  assign(detail, 'startDate', start ? (normalizeDate(start) ?? start) : undefined);
  assign(detail, 'activationState', str(raw.activationState));
  assign(detail, 'externalCaseId', str(raw.externalCaseId));
  if (Array.isArray(raw.caseOwners)) detail.caseOwners = raw.caseOwners;
  return detail;
}

/** The case id for a display id, when cached. */
export function idForDisplayId(db: Database, displayId: string): string | null {
  return (stmt(db, 'SELECT id FROM cases WHERE display_id = ? ORDER BY updated_date DESC LIMIT 1').pluck().get(displayId) as string | undefined) ?? null;
}

export function countCases(db: Database): number {
  return stmt(db, 'SELECT count(*) FROM cases').pluck().get() as number;
}

/** Audit-log entries for an optional date window; keyed by the server's id or, without one, a hash of the entry. */
import { createHash } from 'node:crypto';
import type { AuditEvent } from '../../src-shared/schemas.js';
import { normalizeDate } from '../tss/dates.js';
import type { Database } from './sqlite.js';
import { stmt } from './statements.js';
import type { JsonObject } from '../json.js';

function str(v: unknown): string | null {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return typeof v === 'string' && v !== '' ? v : null;
}

export function upsertAudit(db: Database, entries: readonly JsonObject[]): number {
  db.transaction(() => {
    const insert = stmt(db, 'INSERT OR REPLACE INTO audit (id, created_date, case_id, event_name, raw_json) VALUES (?, ?, ?, ?, ?)');
    for (const e of entries) {
      const raw = JSON.stringify(e);
      const id = str(e.id) ?? `h:${createHash('sha256').update(raw).digest('base64url').slice(0, 22)}`;
      const created = str(e.createdDate);
      insert.run(id, created ? normalizeDate(created) : null, str(e.caseId), str(e.eventName), raw);
    }
  })();
  return entries.length;
}

export interface AuditFilter {
  caseId?: string;
  /** Normalized ISO instant: only events at or after it. */
  since?: string;
  limit: number;
}

const text = (v: unknown): string | undefined => str(v) ?? undefined;

/** Cached events, newest first; the typed fields come from the stored server JSON. */
export function listAudit(db: Database, filter: AuditFilter): AuditEvent[] {
  const where: string[] = [];
  const params: (string | number)[] = [];
  if (filter.caseId !== undefined) {
    where.push('case_id = ?');
    params.push(filter.caseId);
  }
  if (filter.since !== undefined) {
    where.push('created_date >= ?');
    params.push(filter.since);
  }
  const sql = `SELECT id, created_date, event_name, raw_json FROM audit${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY created_date DESC, id DESC LIMIT ?`;
  const rows = stmt(db, sql).all(...params, filter.limit) as { id: string; created_date: string | null; event_name: string | null; raw_json: string }[];
  return rows.map((r) => {
    const e = JSON.parse(r.raw_json) as JsonObject;
    const out: AuditEvent = { id: r.id, createdDate: r.created_date ?? '', eventName: r.event_name ?? '' };
    for (const key of ['userName', 'entityType', 'entityId', 'caseId', 'caseDisplayId', 'description'] as const) {
      const v = text(e[key]);
      if (v !== undefined) out[key] = v;
    }
    return out;
  });
}

/** Audit-log entries for an optional date window; keyed by the server's id or, without one, a hash of the entry. */
import { createHash } from 'node:crypto';
import { normalizeDate } from '../tss/dates.js';
import type { Database } from './sqlite.js';
import { stmt } from './statements.js';

type Json = Record<string, unknown>;

function str(v: unknown): string | null {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return typeof v === 'string' && v !== '' ? v : null;
}

export function upsertAudit(db: Database, entries: readonly Json[]): number {
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

export function countAudit(db: Database): number {
  return stmt(db, 'SELECT count(*) FROM audit').pluck().get() as number;
}

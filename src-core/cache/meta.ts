/** Small key/value state of one cache: sync times, generations, the identifier flag. */
import type { Database } from './sqlite.js';
import { stmt } from './statements.js';

export type MetaKey =
  /** ISO time of the last complete sync. */
  | 'synced_at'
  /** Generation of the last complete pass (mark-and-sweep). */
  | 'generation'
  /** Generation of a pass that started and has not completed (interrupted or running). */
  | 'pending_generation'
  /** '1' when cases may hold patient identifiers (the profile had opted in). */
  | 'identifiers'
  /** ISO time of the last failed refresh (sync or single read) since the last success. */
  | 'refresh_failed_at'
  /** Cases a clean pass would have removed but kept as too many at once; the next clean pass confirms or clears it. */
  | 'pending_mass_removal'
  | 'tests_synced_at'
  /** JSON `{days, syncedAt}`: the audit window the last sync fetched completely. */
  | 'audit_window'
  /** JSON array of CREATE INDEX statements a sync into an empty cache set aside (indexes.ts). */
  | 'deferred_indexes';

export function getMeta(db: Database, key: MetaKey): string | null {
  return (stmt(db, 'SELECT value FROM meta WHERE key = ?').pluck().get(key) as string | undefined) ?? null;
}

export function setMeta(db: Database, key: MetaKey, value: string | null): void {
  if (value === null) stmt(db, 'DELETE FROM meta WHERE key = ?').run(key);
  else stmt(db, 'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
}

export function getNumber(db: Database, key: MetaKey): number {
  const v = Number(getMeta(db, key));
  return Number.isFinite(v) ? v : 0;
}

/**
 * Versioned schema of the cache, tracked in `PRAGMA user_version`. Each step runs in
 * its own transaction, so an interrupted upgrade leaves the previous version intact.
 * Append new steps; never edit a released one.
 *
 * Layout decisions:
 * - `cases.rid` is the integer rowid shared with the FTS table, so a search joins on
 *   integers rather than GUID strings.
 * - Dates are stored as normalised UTC ISO strings (`toISOString()`), which sort and
 *   compare correctly as text; missing dates are NULL.
 * - `case_docs.summary_json` is the case as the search endpoint returned it;
 *   `detail_json` the case as `GET /cases/{id}` returned it (newer and fuller, when
 *   present). Neither holds patient identifiers unless the profile opted in. They
 *   live in their own table so that `cases` stays small for scans and sorts.
 * - `fingerprint` is a hash of the search JSON, so a re-sync skips unchanged cases
 *   (no FTS rewrite) and only bumps their `generation`.
 * - `generation` implements mark-and-sweep: a complete pass marks every case it saw
 *   with its generation, then deletes the rest.
 * - `cases_fts` is contentless (`content=''`) with `contentless_delete=1`: the text
 *   lives only in the index (it is rebuilt from the JSON columns), and rows can still
 *   be deleted and replaced. Prefix indexes for 1 to 3 characters: the first
 *   keystrokes of an as-you-type search ("C", "CA") otherwise merge the doclists of
 *   every token with that prefix (tens of thousands of display-id numbers); they cost
 *   about 15 MB per 100k cases and no measurable sync time.
 * - No index on `generation`: every unchanged case gets a new generation each sync,
 *   and the one sweep per sync can afford a scan of the small `cases` table.
 */
import type { Database } from './sqlite.js';

type Migration = (db: Database) => void;

const MIGRATIONS: readonly Migration[] = [
  // 1: initial schema
  (db) => {
    db.exec(`
      CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) WITHOUT ROWID;

      CREATE TABLE tests (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        version TEXT,
        type TEXT,
        reports_json TEXT NOT NULL,
        raw_json TEXT NOT NULL
      );

      CREATE TABLE cases (
        rid INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        display_id TEXT NOT NULL,
        status TEXT NOT NULL,
        sub_state TEXT,
        test_id TEXT,
        test_name TEXT,
        test_type TEXT,
        tags_json TEXT NOT NULL DEFAULT '[]',
        created_date TEXT,
        updated_date TEXT,
        due_date TEXT,
        completed_date TEXT,
        detail_current INTEGER NOT NULL DEFAULT 0,
        has_identifiers INTEGER NOT NULL DEFAULT 0,
        fingerprint TEXT NOT NULL,
        generation INTEGER NOT NULL
      );
      CREATE INDEX cases_display_id ON cases(display_id);
      -- Facets: one index-only scan counts every (status, subState, test) combination.
      CREATE INDEX cases_facets ON cases(status, sub_state, test_id);
      -- Sorting: scanned backwards for newest first (NULLs, the smallest, come last);
      -- the IS NULL forms serve oldest first with missing dates last.
      CREATE INDEX cases_created ON cases(created_date);
      CREATE INDEX cases_updated ON cases(updated_date);
      CREATE INDEX cases_due ON cases(due_date);
      CREATE INDEX cases_created_asc ON cases(created_date IS NULL, created_date);
      CREATE INDEX cases_updated_asc ON cases(updated_date IS NULL, updated_date);
      CREATE INDEX cases_due_asc ON cases(due_date IS NULL, due_date);
      CREATE INDEX cases_detail_pending ON cases(detail_current) WHERE detail_current = 0;

      -- The JSON apart from the indexed columns: scans and sorts over \`cases\` then read
      -- (and decrypt) a few MB instead of every case's whole document.
      CREATE TABLE case_docs (
        rid INTEGER PRIMARY KEY REFERENCES cases(rid) ON DELETE CASCADE,
        summary_json TEXT NOT NULL,
        detail_json TEXT
      );

      CREATE TABLE case_tags (
        tag TEXT NOT NULL,
        rid INTEGER NOT NULL REFERENCES cases(rid) ON DELETE CASCADE,
        PRIMARY KEY (tag, rid)
      ) WITHOUT ROWID;
      CREATE INDEX case_tags_rid ON case_tags(rid);

      CREATE VIRTUAL TABLE cases_fts USING fts5(
        display_id, test_name, status, sub_state, tags, samples, identifiers,
        content = '',
        contentless_delete = 1,
        tokenize = 'unicode61 remove_diacritics 2',
        prefix = '1 2 3'
      );

      CREATE TABLE audit (
        id TEXT PRIMARY KEY,
        created_date TEXT,
        case_id TEXT,
        event_name TEXT,
        raw_json TEXT NOT NULL
      );
      CREATE INDEX audit_created ON audit(created_date);
    `);
  },
];

const SCHEMA_VERSION = MIGRATIONS.length;

export class NewerSchemaError extends Error {
  constructor(readonly version: number) {
    super(`The cache has schema version ${version}, newer than this Tessera understands (${SCHEMA_VERSION})`);
  }
}

/** Brings the database to SCHEMA_VERSION; returns the version it started from. */
export function migrate(db: Database): number {
  const from = db.pragma('user_version', { simple: true }) as number;
  if (from > SCHEMA_VERSION) throw new NewerSchemaError(from);
  for (let v = from; v < SCHEMA_VERSION; v++) {
    const step = MIGRATIONS[v]!;
    db.transaction(() => {
      // Another process opening the same new cache may have run this step since we looked.
      if ((db.pragma('user_version', { simple: true }) as number) > v) return;
      step(db);
      db.pragma(`user_version = ${v + 1}`);
    }).immediate();
  }
  return from;
}

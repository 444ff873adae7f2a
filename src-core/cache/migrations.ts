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
import { searchFieldsOf } from '../tss/normalize.js';
import type { Database } from './sqlite.js';
import { parseJsonObject, parseStringArray } from '../json.js';

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

  // 2: case reports, and a `reports` column in the full-text index
  (db) => {
    db.exec(`
      -- One row per case whose report was asked for. \`fingerprint\` is the case's fingerprint
      -- when the report was fetched: a case whose fingerprint moved on (or without a row) is
      -- fetched again by the next sync with reports, and no other. \`available = 0\` notes a
      -- case whose report could not be had (\`reason\`: 'inactive', '403', '404').
      CREATE TABLE case_reports (
        rid INTEGER PRIMARY KEY REFERENCES cases(rid) ON DELETE CASCADE,
        fingerprint TEXT NOT NULL,
        fetched_at TEXT NOT NULL,
        available INTEGER NOT NULL,
        reason TEXT,
        report_json TEXT,
        search_text TEXT NOT NULL DEFAULT '',
        -- The case's fingerprint when its PDFs were fetched (NULL: never).
        pdf_fingerprint TEXT
      );

      -- PDFs live in the encrypted database like everything else: never as files.
      CREATE TABLE report_pdfs (
        id INTEGER PRIMARY KEY,
        rid INTEGER NOT NULL REFERENCES cases(rid) ON DELETE CASCADE,
        report_type_id TEXT NOT NULL,
        fetched_at TEXT NOT NULL,
        pdf BLOB,
        reason TEXT,
        UNIQUE (rid, report_type_id)
      );

      DROP TABLE cases_fts;
      CREATE VIRTUAL TABLE cases_fts USING fts5(
        display_id, test_name, status, sub_state, tags, samples, identifiers, reports,
        content = '',
        contentless_delete = 1,
        tokenize = 'unicode61 remove_diacritics 2',
        prefix = '1 2 3'
      );
    `);
    // A contentless index cannot gain a column: rebuilt from the stored cases, as the
    // version-1 writer built it (identifiers only where the profile had opted in).
    const identifiers = (db.prepare("SELECT value FROM meta WHERE key = 'identifiers'").pluck().get() as string | undefined) === '1';
    const insert = db.prepare(
      'INSERT INTO cases_fts (rowid, display_id, test_name, status, sub_state, tags, samples, identifiers, reports) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    // Batches by rid: better-sqlite3 cannot write while a statement is still being iterated.
    const batch = db.prepare(
      `SELECT c.rid, c.display_id, c.status, c.sub_state, c.test_name, c.tags_json, d.summary_json, d.detail_json, r.search_text
         FROM cases c JOIN case_docs d ON d.rid = c.rid LEFT JOIN case_reports r ON r.rid = c.rid WHERE c.rid > ? ORDER BY c.rid LIMIT 2000`,
    );
    for (let after = 0, rows = batch.all(after) as V1Row[]; rows.length > 0; after = rows[rows.length - 1]!.rid, rows = batch.all(after) as V1Row[]) {
      for (const r of rows) {
        const summary = parseJsonObject(r.summary_json);
        const detail = parseJsonObject(r.detail_json);
        const fromDetail = searchFieldsOf(detail, identifiers);
        const fromSummary = searchFieldsOf(summary, identifiers);
        const tags = parseStringArray(r.tags_json);
        insert.run(
          r.rid,
          r.display_id,
          r.test_name ?? '',
          r.status,
          r.sub_state ?? '',
          tags.join(' '),
          unique([...fromDetail.samples, ...fromSummary.samples]).join(' '),
          unique([...fromDetail.identifiers, ...fromSummary.identifiers]).join(' '),
          r.search_text ?? '',
        );
      }
    }
  },

  // 3: what each case-search page held the last time it was written
  (db) => {
    db.exec(`
      -- One row per page a sync wrote (\`page_key\`: page size, page number and whether the
      -- profile includes identifiers): the SHA-256 of the body as the server sent it, the
      -- ids of its cases as a JSON array, and the totals it reported. A later page with
      -- the same body is known to hold the same, already validated cases.
      CREATE TABLE sync_pages (
        page_key TEXT PRIMARY KEY,
        body_hash TEXT NOT NULL,
        ids_json TEXT NOT NULL,
        id_count INTEGER NOT NULL,
        total_elements INTEGER NOT NULL,
        total_pages INTEGER NOT NULL
      );
    `);
  },
];

interface V1Row {
  rid: number;
  display_id: string;
  status: string;
  sub_state: string | null;
  test_name: string | null;
  tags_json: string;
  summary_json: string;
  detail_json: string | null;
  search_text: string | null;
}

const unique = (values: string[]): string[] => [...new Set(values)];

export const SCHEMA_VERSION = MIGRATIONS.length;

export class NewerSchemaError extends Error {
  constructor(readonly version: number) {
    super(`The cache has schema version ${version}, newer than this Tessera understands (${SCHEMA_VERSION})`);
  }
}

/** Brings the database to SCHEMA_VERSION (tests: to `target`); returns the version it started from. */
export function migrate(db: Database, target: number = SCHEMA_VERSION): number {
  const from = db.pragma('user_version', { simple: true }) as number;
  if (from > SCHEMA_VERSION) throw new NewerSchemaError(from);
  for (let v = from; v < Math.min(target, SCHEMA_VERSION); v++) {
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

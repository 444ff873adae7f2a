/**
 * Writing cases: upserts from search pages (sync), from single-case reads (detail),
 * mark-and-sweep removal, and the identifier purge when a profile opts out.
 *
 * The full-text row is always rebuilt from the stored columns and JSON, so the index
 * can never drift from the data it describes.
 */
import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { redactIdentifiers, searchFieldsOf, type CaseInput } from '../tss/normalize.js';
import type { Database } from './sqlite.js';
import { stmt } from './statements.js';
import { parseJsonObject, parseStringArray, type JsonObject } from '../json.js';

export interface WriteCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

interface ExistingRow {
  rid: number;
  fingerprint: string;
}

function fingerprintOfText(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 22);
}

function union(a: string[], b: string[]): string[] {
  const out = [...a];
  for (const v of b) if (!out.includes(v)) out.push(v);
  return out;
}

/** Columns shared by inserts and updates, in the order the statements below use them. */
function columns(input: CaseInput): unknown[] {
  return [
    input.displayId,
    input.status,
    input.subState ?? null,
    input.testDefinition?.id ?? null,
    input.testDefinition?.name ?? null,
    input.testDefinition?.type ?? null,
    JSON.stringify(input.tags),
    input.createdDate ?? null,
    input.updatedDate ?? null,
    input.dueDate ?? null,
    input.completedDate ?? null,
  ];
}

const SET_COLUMNS =
  'display_id = ?, status = ?, sub_state = ?, test_id = ?, test_name = ?, test_type = ?, tags_json = ?, created_date = ?, updated_date = ?, due_date = ?, completed_date = ?';
const INSERT_COLUMNS =
  'display_id, status, sub_state, test_id, test_name, test_type, tags_json, created_date, updated_date, due_date, completed_date';

interface IndexText {
  samples: string;
  identifiers: string;
}

/** The FTS text for samples and identifiers, from both documents (the detail's first). */
function indexText(summary: JsonObject | null, detail: JsonObject | null, includeIdentifiers: boolean): IndexText {
  const fromSummary = searchFieldsOf(summary, includeIdentifiers);
  const fromDetail = searchFieldsOf(detail, includeIdentifiers);
  return {
    samples: union(fromDetail.samples, fromSummary.samples).join(' '),
    identifiers: union(fromDetail.identifiers, fromSummary.identifiers).join(' '),
  };
}

/** The report words the index holds for a case (empty when no report is cached). */
function reportText(db: Database, rid: number): string {
  return (stmt(db, 'SELECT search_text FROM case_reports WHERE rid = ?').pluck().get(rid) as string | undefined) ?? '';
}

const FTS_INSERT = 'INTO cases_fts (rowid, display_id, test_name, status, sub_state, tags, samples, identifiers, reports) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)';

/** Writes the FTS row and the tag rows of one case; `fresh` skips deleting rows a new case cannot have. */
function indexPrepared(db: Database, rid: number, c: PreparedCase, text: IndexText, fresh: boolean): void {
  const values = [rid, c.displayId, c.testName, c.status, c.subState, c.tags.join(' '), text.samples, text.identifiers];
  stmt(db, `${fresh ? 'INSERT' : 'INSERT OR REPLACE'} ${FTS_INSERT}`).run(...values, fresh ? '' : reportText(db, rid));
  if (!fresh) stmt(db, 'DELETE FROM case_tags WHERE rid = ?').run(rid);
  const addTag = stmt(db, 'INSERT OR IGNORE INTO case_tags (tag, rid) VALUES (?, ?)');
  for (const tag of c.tags) addTag.run(tag, rid);
}

/** Whether the stored search JSON of `rid` holds the same values as `summaryText`, whatever the order of their keys. */
function sameContent(db: Database, rid: number, summaryText: string): boolean {
  const stored = stmt(db, 'SELECT summary_json FROM case_docs WHERE rid = ?').pluck().get(rid) as string | undefined;
  return stored !== undefined && stored.length === summaryText.length && isDeepStrictEqual(parseJsonObject(stored), parseJsonObject(summaryText));
}

function existing(db: Database, id: string): ExistingRow | undefined {
  return stmt(db, 'SELECT rid, fingerprint FROM cases WHERE id = ?').get(id) as ExistingRow | undefined;
}

function doc(db: Database, rid: number, column: 'summary_json' | 'detail_json'): JsonObject | null {
  return parseJsonObject(stmt(db, `SELECT ${column} FROM case_docs WHERE rid = ?`).pluck().get(rid) as string | null);
}

/**
 * A case from a search page, ready to write: everything that does not need the
 * database is computed here (the JSON text, its fingerprint, the summary's search
 * fields), so a sync can do it while the database thread writes the previous pages.
 * Plain data only: it crosses to the writer thread by structured clone.
 */
export interface PreparedCase {
  id: string;
  /** The shared summary columns, in the order of SET_COLUMNS / INSERT_COLUMNS. */
  columns: unknown[];
  displayId: string;
  testName: string;
  status: string;
  subState: string;
  tags: string[];
  summaryText: string;
  fingerprint: string;
  /** The search fields of the summary alone (a stored detail adds its own when the case is rewritten). */
  samples: string[];
  identifiers: string[];
}

export function prepareCase(input: CaseInput, includeIdentifiers: boolean): PreparedCase {
  const summaryText = JSON.stringify(input.json);
  const fields = searchFieldsOf(input.json, includeIdentifiers);
  return {
    id: input.id,
    columns: columns(input),
    displayId: input.displayId,
    testName: input.testDefinition?.name ?? '',
    status: input.status,
    subState: input.subState ?? '',
    tags: input.tags,
    summaryText,
    fingerprint: fingerprintOfText(summaryText),
    samples: fields.samples,
    identifiers: fields.identifiers,
  };
}

/** Upserts one search page in one transaction (see upsertPrepared). */
export function upsertSummaries(db: Database, inputs: readonly CaseInput[], generation: number, includeIdentifiers: boolean): WriteCounts {
  const prepared = inputs.map((i) => prepareCase(i, includeIdentifiers));
  let counts: WriteCounts = { inserted: 0, updated: 0, unchanged: 0 };
  db.transaction(() => {
    counts = upsertPrepared(db, prepared, generation, includeIdentifiers);
  })();
  return counts;
}

/**
 * Upserts prepared cases; the caller holds the transaction. Unchanged cases (same
 * fingerprint) only get the new generation; changed ones are rewritten and their detail
 * is marked as needing a refresh (kept meanwhile, so identifiers stay searchable until
 * refetched).
 */
export function upsertPrepared(db: Database, cases: readonly PreparedCase[], generation: number, includeIdentifiers: boolean): WriteCounts {
  const counts: WriteCounts = { inserted: 0, updated: 0, unchanged: 0 };
  for (const c of cases) {
    const row = existing(db, c.id);
    if (row && row.fingerprint === c.fingerprint) {
      stmt(db, 'UPDATE cases SET generation = ? WHERE rid = ?').run(generation, row.rid);
      counts.unchanged++;
      continue;
    }
    if (row && sameContent(db, row.rid, c.summaryText)) {
      // The same case with its fields in another order (how a server, or an older Tessera,
      // wrote it): only the fingerprint moves on; the index and the detail stay as they are.
      stmt(db, 'UPDATE cases SET fingerprint = ?, generation = ? WHERE rid = ?').run(c.fingerprint, generation, row.rid);
      stmt(db, 'UPDATE case_docs SET summary_json = ? WHERE rid = ?').run(c.summaryText, row.rid);
      counts.unchanged++;
      continue;
    }
    if (row) {
      const detail = doc(db, row.rid, 'detail_json');
      const fromDetail = searchFieldsOf(detail, includeIdentifiers);
      const text: IndexText = {
        samples: union(fromDetail.samples, c.samples).join(' '),
        identifiers: union(fromDetail.identifiers, c.identifiers).join(' '),
      };
      stmt(db, `UPDATE cases SET ${SET_COLUMNS}, fingerprint = ?, generation = ?, detail_current = 0, has_identifiers = ? WHERE rid = ?`).run(
        ...c.columns,
        c.fingerprint,
        generation,
        text.identifiers ? 1 : 0,
        row.rid,
      );
      stmt(db, 'UPDATE case_docs SET summary_json = ? WHERE rid = ?').run(c.summaryText, row.rid);
      indexPrepared(db, row.rid, c, text, false);
      counts.updated++;
    } else {
      const text: IndexText = { samples: c.samples.join(' '), identifiers: c.identifiers.join(' ') };
      const result = stmt(
        db,
        `INSERT INTO cases (id, ${INSERT_COLUMNS}, fingerprint, generation, has_identifiers) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(c.id, ...c.columns, c.fingerprint, generation, text.identifiers ? 1 : 0);
      const rid = Number(result.lastInsertRowid);
      stmt(db, 'INSERT INTO case_docs (rid, summary_json) VALUES (?, ?)').run(rid, c.summaryText);
      indexPrepared(db, rid, c, text, true);
      counts.inserted++;
    }
  }
  return counts;
}

/**
 * Gives the new generation to the cases of a page that came back byte for byte as last
 * time (their ids were recorded then), without reading or rewriting them. Returns false
 * when one of them is no longer stored as that page wrote it (deleted here since, or
 * written from a single-case read): the caller then writes the page in full (the marks
 * already given are true: those cases were on the page).
 */
export function markSeen(db: Database, idsJson: string, expected: number, generation: number): boolean {
  const changed = stmt(db, "UPDATE cases SET generation = ? WHERE id IN (SELECT value FROM json_each(?)) AND fingerprint <> ''").run(generation, idsJson).changes;
  return changed === expected;
}

/**
 * Stores one case as `GET /cases/{id}` returned it: the freshest view, so its summary
 * columns win. A case not cached yet is inserted with `generationIfNew`, and with an
 * empty fingerprint so the next sync rewrites its search JSON.
 */
export function writeDetail(db: Database, input: CaseInput, generationIfNew: number, includeIdentifiers: boolean): void {
  const c = prepareCase(input, includeIdentifiers);
  db.transaction(() => {
    const row = existing(db, input.id);
    if (row) {
      const text = indexText(doc(db, row.rid, 'summary_json'), input.json, includeIdentifiers);
      stmt(db, `UPDATE cases SET ${SET_COLUMNS}, detail_current = 1, has_identifiers = ? WHERE rid = ?`).run(...c.columns, text.identifiers ? 1 : 0, row.rid);
      stmt(db, 'UPDATE case_docs SET detail_json = ? WHERE rid = ?').run(c.summaryText, row.rid);
      indexPrepared(db, row.rid, c, text, false);
    } else {
      const text: IndexText = { samples: c.samples.join(' '), identifiers: c.identifiers.join(' ') };
      const result = stmt(
        db,
        `INSERT INTO cases (id, ${INSERT_COLUMNS}, detail_current, fingerprint, generation, has_identifiers) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, '', ?, ?)`,
      ).run(c.id, ...c.columns, generationIfNew, text.identifiers ? 1 : 0);
      const rid = Number(result.lastInsertRowid);
      stmt(db, 'INSERT INTO case_docs (rid, summary_json, detail_json) VALUES (?, ?, ?)').run(rid, c.summaryText, c.summaryText);
      indexPrepared(db, rid, c, text, true);
    }
  })();
}

/** Marks a case as needing no detail fetch (e.g. the server no longer has it; the sweep will remove it). */
export function markDetailDone(db: Database, id: string): void {
  stmt(db, 'UPDATE cases SET detail_current = 1 WHERE id = ?').run(id);
}

/** Ids of cases whose detail (with identifiers) is missing or older than their summary. */
export function pendingDetailIds(db: Database, limit: number): string[] {
  return stmt(db, 'SELECT id FROM cases WHERE detail_current = 0 ORDER BY rid LIMIT ?').pluck().all(limit) as string[];
}

export function countPendingDetails(db: Database): number {
  return stmt(db, 'SELECT count(*) FROM cases WHERE detail_current = 0').pluck().get() as number;
}

/** How many cases the pass with `generation` has seen on its pages. */
export function countSeen(db: Database, generation: number): number {
  return stmt(db, "SELECT count(*) FROM cases WHERE generation = ? AND fingerprint <> ''").pluck().get(generation) as number;
}

/** How many cases the pass with `generation` has not seen (what a sweep would delete). */
export function countUnseen(db: Database, generation: number): number {
  return stmt(db, 'SELECT count(*) FROM cases WHERE generation < ?').pluck().get(generation) as number;
}

/*
 * Deleting a case: its case_docs and case_tags rows go with it through their foreign keys
 * (ON DELETE CASCADE; openDatabase turns foreign keys on). The full-text index is a
 * virtual table, which cannot have a foreign key, so its rows are deleted here.
 */

/** Deletes every case not seen by the pass with `generation`; returns how many. */
export function sweep(db: Database, generation: number): number {
  let removed = 0;
  db.transaction(() => {
    stmt(db, 'DELETE FROM cases_fts WHERE rowid IN (SELECT rid FROM cases WHERE generation < ?)').run(generation);
    removed = stmt(db, 'DELETE FROM cases WHERE generation < ?').run(generation).changes;
  })();
  return removed;
}

export function deleteCase(db: Database, id: string): boolean {
  let deleted = false;
  db.transaction(() => {
    const rid = stmt(db, 'SELECT rid FROM cases WHERE id = ?').pluck().get(id) as number | undefined;
    if (rid === undefined) return;
    stmt(db, 'DELETE FROM cases_fts WHERE rowid = ?').run(rid);
    stmt(db, 'DELETE FROM cases WHERE rid = ?').run(rid);
    deleted = true;
  })();
  return deleted;
}

interface PurgeRow {
  rid: number;
  summary_json: string;
  detail_json: string | null;
}

/**
 * Removes patient identifiers from every stored case and from the index, after a
 * profile opted out. Details are kept (redacted) and marked for refresh. Batched so a
 * 100k-case cache does not hold one huge transaction.
 */
export function purgeIdentifiers(db: Database): number {
  let purged = 0;
  let after = 0;
  for (;;) {
    const rows = stmt(
      db,
      'SELECT rid, summary_json, detail_json FROM case_docs WHERE rid > ? ORDER BY rid LIMIT 2000',
    ).all(after) as PurgeRow[];
    if (rows.length === 0) break;
    db.transaction(() => {
      for (const r of rows) {
        const summary = redactIdentifiers(parseJsonObject(r.summary_json) ?? {});
        const detail = r.detail_json ? redactIdentifiers(parseJsonObject(r.detail_json) ?? {}) : null;
        stmt(db, 'UPDATE case_docs SET summary_json = ?, detail_json = ? WHERE rid = ?').run(JSON.stringify(summary), detail ? JSON.stringify(detail) : null, r.rid);
        stmt(db, 'UPDATE cases SET detail_current = 0, has_identifiers = 0 WHERE rid = ?').run(r.rid);
        // The index row from the redacted documents, as any stored case is reindexed.
        reindex(db, r.rid);
        purged++;
      }
    })();
    after = rows[rows.length - 1]!.rid;
  }
  return purged;
}

interface StoredCaseRow {
  rid: number;
  display_id: string;
  status: string;
  sub_state: string | null;
  test_name: string | null;
  tags_json: string;
  has_identifiers: number;
}

/** Rewrites one case's FTS row from what is stored (after its report changed); the contentless index needs every column. */
export function reindex(db: Database, rid: number): void {
  const r = stmt(db, 'SELECT rid, display_id, status, sub_state, test_name, tags_json, has_identifiers FROM cases WHERE rid = ?').get(rid) as StoredCaseRow | undefined;
  if (!r) return;
  // Identifiers are in the stored JSON only when the profile opted in, so reading them back is safe either way.
  const text = indexText(doc(db, rid, 'summary_json'), doc(db, rid, 'detail_json'), r.has_identifiers === 1);
  const tags = parseStringArray(r.tags_json);
  stmt(db, `INSERT OR REPLACE ${FTS_INSERT}`).run(rid, r.display_id, r.test_name ?? '', r.status, r.sub_state ?? '', tags.join(' '), text.samples, text.identifiers, reportText(db, rid));
}

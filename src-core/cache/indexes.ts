/**
 * Secondary indexes set aside while a sync fills an empty cache. Inserting 100,000 rows
 * into a table with nine indexes updates every index row by row, in random order; the
 * same indexes built once from the full table cost a fraction of that. The statements
 * are taken from the schema itself and kept in the meta table in the same transaction
 * that drops them, so a sync killed before it rebuilds them leaves a note that the next
 * open of the cache acts on (restoreIndexes): a cache never stays without them.
 *
 * The full-text index is treated alike: it writes a segment per transaction and merges
 * segments as they pile up, so a bulk load merges the same postings again and again.
 * During the load its automatic merging is off; at the end the index is merged into one
 * segment once (FTS5 'optimize'), and its defaults are back.
 */
import { getMeta, setMeta } from './meta.js';
import type { Database } from './sqlite.js';

/** FTS5's documented defaults (its shadow config table cannot be written directly). */
const FTS_AUTOMERGE = 4;
const FTS_CRISISMERGE = 16;

/** The tables whose indexes a bulk load sets aside: the ones every case page writes. */
const BULK_TABLES = ['cases', 'case_tags'];

/** Drops the secondary indexes of the case tables (remembering how to build them again) and pauses the full-text index's merging. */
export function deferIndexes(db: Database): void {
  db.transaction(() => {
    if (getMeta(db, 'deferred_indexes') !== null) return;
    const rows = db
      .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${BULK_TABLES.map(() => '?').join(', ')})`)
      .all(...BULK_TABLES) as Array<{ name: string; sql: string }>;
    setMeta(db, 'deferred_indexes', JSON.stringify(rows.map((r) => r.sql)));
    for (const r of rows) db.exec(`DROP INDEX "${r.name.replace(/"/g, '""')}"`);
    db.exec("INSERT INTO cases_fts (cases_fts, rank) VALUES ('automerge', 0)");
    db.exec("INSERT INTO cases_fts (cases_fts, rank) VALUES ('crisismerge', 100000)");
  }).immediate();
}

/** Builds the indexes deferIndexes dropped and merges the full-text index, if a load was under way; a no-op otherwise. */
export function restoreIndexes(db: Database): void {
  if (getMeta(db, 'deferred_indexes') === null) return;
  db.transaction(() => {
    const text = getMeta(db, 'deferred_indexes');
    if (text === null) return;
    for (const sql of JSON.parse(text) as string[]) db.exec(sql.replace(/^CREATE (UNIQUE )?INDEX /i, 'CREATE $1INDEX IF NOT EXISTS '));
    // FTS5's own defaults again, then the segments of the load merged into one.
    db.exec(`INSERT INTO cases_fts (cases_fts, rank) VALUES ('automerge', ${FTS_AUTOMERGE})`);
    db.exec(`INSERT INTO cases_fts (cases_fts, rank) VALUES ('crisismerge', ${FTS_CRISISMERGE})`);
    db.exec("INSERT INTO cases_fts (cases_fts) VALUES ('optimize')");
    setMeta(db, 'deferred_indexes', null);
  }).immediate();
}

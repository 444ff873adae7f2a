/**
 * Writing case-search pages, the sync's bulk of database work, as batches: several
 * pages per transaction (the commit, which encrypts and writes every changed page of
 * the file and flushes the full-text index, costs more than the rows), so a crash loses
 * at most one batch and never leaves half a page. The same code runs on the sync's own
 * connection or on a worker thread's (writer.ts), with plain data in and out.
 *
 * A page whose body is byte for byte the one recorded last time is not re-validated or
 * rewritten: its recorded cases only get the new generation (`same`). When that no
 * longer matches what is stored, the result says so and the sync reads the page again
 * in full.
 */
import { markSeen, upsertPrepared, type PreparedCase, type WriteCounts } from './cases.js';
import type { Database } from './sqlite.js';
import { stmt } from './statements.js';

export interface PageRecord {
  hash: string;
  totalElements: number;
  totalPages: number;
  idCount: number;
}

export type PageWrite =
  | { kind: 'full'; key: string; hash: string; totalElements: number; totalPages: number; cases: PreparedCase[] }
  | { kind: 'same'; key: string };

export interface PageBatch {
  generation: number;
  includeIdentifiers: boolean;
  pages: PageWrite[];
}

export type PageResult = { key: string; ok: true; counts: WriteCounts } | { key: string; ok: false };

/** The key a page is recorded under: the same page number means other cases at another size, or with identifiers. */
export function pageKey(pageSize: number, pageNumber: number, includeIdentifiers: boolean): string {
  return `${pageSize}:${includeIdentifiers ? 'ids' : 'plain'}:${pageNumber}`;
}

/** Every recorded page, for the sync to compare bodies against. */
export function readPageRecords(db: Database): Map<string, PageRecord> {
  const rows = stmt(db, 'SELECT page_key, body_hash, id_count, total_elements, total_pages FROM sync_pages').all() as Array<{
    page_key: string;
    body_hash: string;
    id_count: number;
    total_elements: number;
    total_pages: number;
  }>;
  return new Map(rows.map((r) => [r.page_key, { hash: r.body_hash, idCount: r.id_count, totalElements: r.total_elements, totalPages: r.total_pages }]));
}

/** Writes a batch of pages in one transaction. */
export function writePages(db: Database, batch: PageBatch): PageResult[] {
  const results: PageResult[] = [];
  db.transaction(() => {
    for (const page of batch.pages) {
      if (page.kind === 'same') {
        const record = stmt(db, 'SELECT ids_json, id_count FROM sync_pages WHERE page_key = ?').get(page.key) as { ids_json: string; id_count: number } | undefined;
        const ok = record !== undefined && markSeen(db, record.ids_json, record.id_count, batch.generation);
        if (!ok) stmt(db, 'DELETE FROM sync_pages WHERE page_key = ?').run(page.key);
        results.push(ok ? { key: page.key, ok: true, counts: { inserted: 0, updated: 0, unchanged: record!.id_count } } : { key: page.key, ok: false });
        continue;
      }
      const counts = upsertPrepared(db, page.cases, batch.generation, batch.includeIdentifiers);
      const ids = [...new Set(page.cases.map((c) => c.id))];
      stmt(
        db,
        `INSERT INTO sync_pages (page_key, body_hash, ids_json, id_count, total_elements, total_pages) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(page_key) DO UPDATE SET body_hash = excluded.body_hash, ids_json = excluded.ids_json, id_count = excluded.id_count,
           total_elements = excluded.total_elements, total_pages = excluded.total_pages`,
      ).run(page.key, page.hash, JSON.stringify(ids), ids.length, page.totalElements, page.totalPages);
      results.push({ key: page.key, ok: true, counts });
    }
  })();
  return results;
}

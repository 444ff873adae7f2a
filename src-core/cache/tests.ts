/** Test definitions: few (tens), fetched in one request, so each sync replaces them wholesale. */
import type { TestDefinition } from '../../src-shared/schemas.js';
import type { Database } from './sqlite.js';
import { stmt } from './statements.js';

export type TestInput = TestDefinition & { raw: Record<string, unknown> };

export function replaceTests(db: Database, tests: readonly TestInput[]): number {
  db.transaction(() => {
    stmt(db, 'DELETE FROM tests').run();
    const insert = stmt(db, 'INSERT OR REPLACE INTO tests (id, name, version, type, reports_json, raw_json) VALUES (?, ?, ?, ?, ?, ?)');
    for (const t of tests) insert.run(t.id, t.name, t.version ?? null, t.type ?? null, JSON.stringify(t.reports), JSON.stringify(t.raw));
  })();
  return tests.length;
}

interface TestRow {
  id: string;
  name: string;
  version: string | null;
  type: string | null;
  reports_json: string;
}

export function listTests(db: Database): TestDefinition[] {
  const rows = stmt(db, 'SELECT id, name, version, type, reports_json FROM tests ORDER BY name COLLATE NOCASE, id').all() as TestRow[];
  return rows.map((r) => {
    const t: TestDefinition = { id: r.id, name: r.name, reports: JSON.parse(r.reports_json) as { id: string }[] };
    if (r.version !== null) t.version = r.version;
    if (r.type !== null) t.type = r.type;
    return t;
  });
}

export function countTests(db: Database): number {
  return stmt(db, 'SELECT count(*) FROM tests').pluck().get() as number;
}

/**
 * Searching the cache: as-you-type full text combined with filters, sorting, paging,
 * and facet counts, all in SQL over indexed columns.
 *
 * Text semantics (documented in docs/offline-cache.md, and mirrored by the naive
 * filter in the property tests):
 * - The text is split on whitespace into terms; every term must match (AND).
 * - A term is tokenised like the index (letters and digits; punctuation separates;
 *   case and diacritics ignored) and matches when its tokens appear consecutively in
 *   one indexed field, the last token as a prefix. So `CASE-2024-00` finds
 *   `CASE-2024-0012`, and `smi` finds `Smith`.
 * - Indexed fields: display id, test name, status, subState, tags, sample ids and
 *   names, the genes, HGVS notations and transcripts of cached reports (so
 *   `c.5266dupC` is the phrase `c 5266dupc` in the reports column), and patient names
 *   and MRN when the profile opted in. A result whose page is shown gets `match`, the
 *   reported variant the text matched, when it matched one.
 * - A term of two or more letters that starts the initialism of a test definition's
 *   name also matches that test's cases: TSO finds TruSight Oncology 500 (initialisms.ts).
 *
 * Sorting: by created, updated or due date (newest first unless asked otherwise) or by
 * display id; cases without that date last; ties in the order they were first cached.
 *
 * Filters: values within one filter are alternatives (status New OR Draft); different
 * filters combine (AND). A tag filter matches cases carrying any of the given tags.
 * Created-date bounds are inclusive; a bare date `YYYY-MM-DD` as the upper bound
 * covers that whole (UTC) day.
 *
 * Facets: each facet counts the cases matching every filter except its own, so that
 * choosing one status still shows how many cases the other statuses would give.
 */
import type { CaseQuery, CaseSummary, Facet } from '../../src-shared/schemas.js';
import { TesseraError } from '../errors.js';
import { normalizeDate } from '../tss/dates.js';
import { variantLabel, variantSearchText } from '../tss/normalize.js';
import { isInitialismOf } from './initialisms.js';
import { reportedVariants } from './reports.js';
import type { Database } from './sqlite.js';
import { stmt } from './statements.js';
import { parseStringArray } from '../json.js';

export interface SearchOutcome {
  items: CaseSummary[];
  total: number;
  facets: { status: Facet[]; subState: Facet[]; test: Facet[] };
}

const DEFAULT_LIMIT = 50;
const MAX_TERMS = 16;
/** Token characters of FTS5's unicode61 tokenizer by default: letters, numbers, private use. */
const TOKEN_CHAR = /[\p{L}\p{N}\p{Co}]/u;

const quoted = (text: string) => `"${text.replace(/"/g, '""')}"`;

/**
 * The FTS5 MATCH expression for the user's text, or null when it has no searchable
 * token. Each term becomes a quoted phrase with a prefix star; quoting means nothing
 * the user types is interpreted as FTS syntax. A term that is the initialism of some of
 * `testNames` (initialisms.ts) also matches those names in the test-name column.
 */
function searchTerms(text: string): string[] {
  return text
    .split(/\s+/)
    .filter((t) => TOKEN_CHAR.test(t))
    .slice(0, MAX_TERMS);
}

/** Words as the index's tokenizer sees them: letters and digits, lower case, without diacritics. */
function tokens(text: string): string[] {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}\p{Co}]+/u)
    .filter(Boolean);
}

/** Whether the term's tokens appear one after another in `words`, the last as a prefix (the index's phrase-prefix rule). */
function termMatches(term: string[], words: string[]): boolean {
  for (let i = 0; i + term.length <= words.length; i++) {
    if (term.every((t, k) => (k === term.length - 1 ? words[i + k]!.startsWith(t) : words[i + k] === t))) return true;
  }
  return false;
}

/** The reported variant a search text matched in a case's report (`BRCA1 c.5266dupC`), if any. */
function reportMatch(db: Database, caseId: string, text: string): string | undefined {
  const variants = reportedVariants(db, caseId);
  if (variants.length === 0) return undefined;
  const terms = searchTerms(text).map(tokens).filter((t) => t.length > 0);
  const hit = variants.find((v) => {
    const words = tokens(variantSearchText(v));
    return terms.some((t) => termMatches(t, words));
  });
  return hit ? variantLabel(hit) : undefined;
}

export function ftsExpression(text: string | undefined, testNames: readonly string[] = []): string | null {
  if (!text) return null;
  const terms = searchTerms(text);
  if (terms.length === 0) return null;
  return terms
    .map((t) => {
      const term = `${quoted(t)}*`;
      const names = testNames.filter((name) => isInitialismOf(t, name) && TOKEN_CHAR.test(name));
      return names.length ? `(${[term, ...names.map((name) => `test_name : ${quoted(name)}`)].join(' OR ')})` : term;
    })
    .join(' AND ');
}

interface Bounds {
  from?: string;
  /** Inclusive upper bound, or exclusive when `toExclusive`. */
  to?: string;
  toExclusive?: boolean;
}

function dateBounds(q: CaseQuery): Bounds {
  const bounds: Bounds = {};
  if (q.createdFrom) {
    const from = normalizeDate(q.createdFrom);
    if (!from) throw new TesseraError('INVALID_INPUT', 'createdFrom is not a date (use YYYY-MM-DD or an ISO date-time)');
    bounds.from = from;
  }
  if (q.createdTo) {
    const to = normalizeDate(q.createdTo);
    if (!to) throw new TesseraError('INVALID_INPUT', 'createdTo is not a date (use YYYY-MM-DD or an ISO date-time)');
    if (/^\d{4}-\d{2}-\d{2}$/.test(q.createdTo.trim())) {
      bounds.to = new Date(Date.parse(to) + 86_400_000).toISOString();
      bounds.toExclusive = true;
    } else {
      bounds.to = to;
    }
  }
  return bounds;
}

function placeholders(n: number): string {
  return Array.from({ length: n }, () => '?').join(', ');
}

interface Where {
  sql: string;
  params: unknown[];
}

/**
 * How a search reads its text matches (temp.search_hits, computed once per search):
 * 'join' loops over the matches and looks each case up by rowid, best for a few
 * matches; 'probe' reads `cases` through an index (the facet index, or the sort index
 * for a page) and checks each row against the matches, best when most rows match.
 */
type HitsMode = 'none' | 'join' | 'probe';

/**
 * The FROM and WHERE of a search.
 *
 * `viaSortIndex` marks every filter with SQLite's unary `+`, which keeps the planner
 * from using an index for it, so the page is read in the order of the sort index and
 * the scan stops after `offset + limit` matches (see `preferSortIndex`).
 */
function buildFrom(q: CaseQuery, hits: HitsMode, bounds: Bounds, viaSortIndex = false): Where {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const col = (name: string) => (viaSortIndex ? `+${name}` : name);
  let from = 'FROM cases c';
  // `+` on the probe keeps SQLite from turning it back into a lookup per match.
  if (hits === 'probe' || (hits === 'join' && viaSortIndex)) clauses.push('+c.rid IN temp.search_hits');
  // CROSS JOIN fixes the loop order: the matches outside, one rowid lookup each.
  else if (hits === 'join') from = 'FROM temp.search_hits h CROSS JOIN cases c ON c.rid = h.rid';
  const inList = (column: string, values: string[] | undefined) => {
    if (!values || values.length === 0) return;
    clauses.push(`${col(column)} IN (${placeholders(values.length)})`);
    params.push(...values);
  };
  inList('c.status', q.status);
  inList('c.sub_state', q.subState);
  inList('c.test_id', q.testId);
  if (q.tag && q.tag.length > 0) {
    clauses.push(`${col('c.rid')} IN (SELECT rid FROM case_tags WHERE tag IN (${placeholders(q.tag.length)}))`);
    params.push(...q.tag);
  }
  // Date bounds keep their index: matches of a date range sit together in date order,
  // so scanning another sort index for them could read most of the table.
  if (bounds.from) {
    clauses.push('c.created_date >= ?');
    params.push(bounds.from);
  }
  if (bounds.to) {
    clauses.push(bounds.toExclusive ? 'c.created_date < ?' : 'c.created_date <= ?');
    params.push(bounds.to);
  }
  return { sql: `${from}${clauses.length ? ` WHERE ${clauses.join(' AND ')}` : ''}`, params };
}

/**
 * Whether reading the page in sort order beats fetching the matches and sorting them.
 * SQLite cannot know how many cases a bound `status IN (?)` selects, and guesses
 * wrong for the big statuses (a 66% filter cost 90 ms at 100k cases instead of
 * 0.1 ms); we know the exact count from the facet query that runs first. Scanning
 * the sort index reads about (offset + limit) / selectivity rows, sorting reads all
 * `total` matches: scan when (offset + limit) × cases < total².
 */
function preferSortIndex(q: CaseQuery, total: number, cases: number, offset: number, limit: number): boolean {
  if (q.createdFrom || q.createdTo) return false;
  return (offset + limit) * cases < total * total;
}

const SORT_COLUMNS = {
  createdDate: 'c.created_date',
  updatedDate: 'c.updated_date',
  dueDate: 'c.due_date',
  displayId: 'c.display_id',
} as const;

/**
 * Newest first by default; cases without the sort date come last in either direction;
 * ties in the order the cases were first cached (rowid). Each shape matches an index
 * (see migrations.ts), so a page of the first 50 reads 50 rows, not 100,000.
 */
function orderBy(q: CaseQuery): string {
  const column = SORT_COLUMNS[q.sort ?? 'updatedDate'];
  const asc = (q.order ?? (q.sort === 'displayId' ? 'asc' : 'desc')) === 'asc';
  if (!asc) return `ORDER BY ${column} DESC, c.rid DESC`;
  if (column === 'c.display_id') return `ORDER BY ${column} ASC, c.rid ASC`;
  return `ORDER BY ${column} IS NULL, ${column} ASC, c.rid ASC`;
}

export interface SummaryRow {
  id: string;
  display_id: string;
  status: string;
  sub_state: string | null;
  test_id: string | null;
  test_name: string | null;
  test_type: string | null;
  tags_json: string;
  created_date: string | null;
  updated_date: string | null;
  due_date: string | null;
  completed_date: string | null;
}

export const SUMMARY_COLUMNS =
  'c.id, c.display_id, c.status, c.sub_state, c.test_id, c.test_name, c.test_type, c.tags_json, c.created_date, c.updated_date, c.due_date, c.completed_date';

export function rowToSummary(r: SummaryRow): CaseSummary {
  const out: CaseSummary = { id: r.id, displayId: r.display_id, status: r.status, tags: parseStringArray(r.tags_json) };
  if (r.sub_state !== null) out.subState = r.sub_state;
  if (r.test_id !== null) {
    out.testDefinition = { id: r.test_id };
    if (r.test_name !== null) out.testDefinition.name = r.test_name;
    if (r.test_type !== null) out.testDefinition.type = r.test_type;
  }
  if (r.created_date !== null) out.createdDate = r.created_date;
  if (r.updated_date !== null) out.updatedDate = r.updated_date;
  if (r.due_date !== null) out.dueDate = r.due_date;
  if (r.completed_date !== null) out.completedDate = r.completed_date;
  return out;
}

interface Combination {
  status: string;
  sub_state: string | null;
  test_id: string | null;
  n: number;
}

function tally(combos: Combination[], pick: (c: Combination) => string | null): Facet[] {
  const counts = new Map<string, number>();
  for (const c of combos) {
    const v = pick(c);
    if (v !== null) counts.set(v, (counts.get(v) ?? 0) + c.n);
  }
  return [...counts]
    .map(([value, count]) => ({ value, count }))
    .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
}

function testLabels(db: Database, facets: Facet[]): Facet[] {
  const byTests = stmt(db, 'SELECT name FROM tests WHERE id = ?').pluck();
  const byCases = stmt(db, 'SELECT test_name FROM cases WHERE test_id = ? AND test_name IS NOT NULL LIMIT 1').pluck();
  return facets.map((f) => {
    const label = (byTests.get(f.value) as string | undefined) ?? (byCases.get(f.value) as string | undefined);
    return label ? { ...f, label } : f;
  });
}

/**
 * Runs the full-text part once into temp.search_hits (a TEMP table: in memory, since
 * temp_store is MEMORY) so the page query and the facet query share it. When the text
 * matches every case, as the first keystrokes ("C", "CA") usually do, it filters
 * nothing and is dropped, which keeps those queries as fast as no text at all.
 */
function textHits(db: Database, match: string | null): HitsMode {
  if (!match) return 'none';
  stmt(db, 'DELETE FROM temp.search_hits').run();
  const hits = stmt(db, 'INSERT INTO temp.search_hits (rid) SELECT rowid FROM cases_fts WHERE cases_fts MATCH ?').run(match).changes;
  const maxRid = (stmt(db, 'SELECT max(rid) FROM cases').pluck().get() as number | null) ?? 0;
  if (hits * 20 < maxRid) return 'join';
  if (hits * 2 < maxRid) return 'probe';
  return hits < (stmt(db, 'SELECT count(*) FROM cases').pluck().get() as number) ? 'probe' : 'none';
}

/** The tenant's test-definition names (a dozen rows), whose initialisms a search term may stand for. */
function testNames(db: Database): string[] {
  return stmt(db, 'SELECT DISTINCT name FROM tests WHERE name IS NOT NULL').pluck().all() as string[];
}

export function searchCases(db: Database, q: CaseQuery): SearchOutcome {
  const match = ftsExpression(q.text, q.text ? testNames(db) : []);
  const bounds = dateBounds(q);
  const limit = q.limit ?? DEFAULT_LIMIT;
  const offset = q.offset ?? 0;
  if (match) db.exec('CREATE TEMP TABLE IF NOT EXISTS search_hits (rid INTEGER PRIMARY KEY)');
  return db.transaction(() => {
    // One read transaction: items, total and facets all see the same snapshot even while a sync writes.
    const hits = textHits(db, match);

    // Total and all three facets from one grouped scan: count every (status, subState,
    // test) combination under the other filters, then apply the status, subState and
    // test filters here, leaving out each facet's own.
    const rest = buildFrom({ ...q, status: [], subState: [], testId: [] }, hits, bounds);
    const combos = stmt(db, `SELECT c.status, c.sub_state, c.test_id, count(*) AS n ${rest.sql} GROUP BY c.status, c.sub_state, c.test_id`).all(
      ...rest.params,
    ) as Combination[];
    const inStatus = (c: Combination) => !q.status?.length || q.status.includes(c.status);
    const inSubState = (c: Combination) => !q.subState?.length || (c.sub_state !== null && q.subState.includes(c.sub_state));
    const inTest = (c: Combination) => !q.testId?.length || (c.test_id !== null && q.testId.includes(c.test_id));
    let total = 0;
    for (const c of combos) if (inStatus(c) && inSubState(c) && inTest(c)) total += c.n;
    const facets = {
      status: tally(combos.filter((c) => inSubState(c) && inTest(c)), (c) => c.status),
      subState: tally(combos.filter((c) => inStatus(c) && inTest(c)), (c) => c.sub_state),
      test: testLabels(db, tally(combos.filter((c) => inStatus(c) && inSubState(c)), (c) => c.test_id)),
    };

    let items: CaseSummary[] = [];
    if (total > offset) {
      const cases = (stmt(db, 'SELECT max(rid) FROM cases').pluck().get() as number | null) ?? 0;
      const where = buildFrom(q, hits === 'probe' ? 'join' : hits, bounds, preferSortIndex(q, total, cases, offset, limit));
      items = (stmt(db, `SELECT ${SUMMARY_COLUMNS} ${where.sql} ${orderBy(q)} LIMIT ? OFFSET ?`).all(...where.params, limit, offset) as SummaryRow[]).map(
        rowToSummary,
      );
      if (match && q.text) {
        // Name the reported variant that matched, for the page shown only.
        for (const item of items) {
          const hit = reportMatch(db, item.id, q.text);
          if (hit) item.match = hit;
        }
      }
    }
    return { items, total, facets };
  }).deferred();
}

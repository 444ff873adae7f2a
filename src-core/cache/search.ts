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
import type { CaseFacets, CaseQuery, CaseSummary, Facet } from '../../src-shared/schemas.js';
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
  facets: CaseFacets;
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
 * 0.1 ms); we know the exact count, which the search reads first. Scanning
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
 * temp_store is MEMORY) so the queries of one search share it. `count` is the number
 * of matching cases when that is known without another query.
 *
 * When the text matches every case, as the first keystrokes ("C", "CA", "CASE") usually
 * do, it filters nothing and is dropped, which keeps those queries as fast as no text
 * at all. Whether it does is counted first, which costs a fraction of writing 100,000
 * matches down, unless a text this one extends is known to match fewer than all:
 * typing on only narrows (a longer last term is a longer prefix or a longer phrase, a
 * new term one more condition), so the count is skipped while a word is being typed.
 */
function textHits(db: Database, p: Prepared, memo: SearchMemo): { mode: HitsMode; count?: number } {
  const { match } = p;
  if (!match) return { mode: 'none' };
  const text = p.q.text ?? '';
  const cases = stmt(db, 'SELECT count(*) FROM cases').pluck().get() as number;
  const narrowsPartial = memo.partial !== null && text.startsWith(memo.partial);
  if (!narrowsPartial && (stmt(db, 'SELECT count(*) FROM cases_fts WHERE cases_fts MATCH ?').pluck().get(match) as number) >= cases) {
    return { mode: 'none', count: cases };
  }
  stmt(db, 'DELETE FROM temp.search_hits').run();
  const hits = stmt(db, 'INSERT INTO temp.search_hits (rid) SELECT rowid FROM cases_fts WHERE cases_fts MATCH ?').run(match).changes;
  if (hits >= cases) return { mode: 'none', count: cases };
  memo.partial = text;
  const maxRid = (stmt(db, 'SELECT max(rid) FROM cases').pluck().get() as number | null) ?? 0;
  // Every row of the index is a case (the index is written with its case), so the hits are the matching cases.
  return { mode: hits * 20 < maxRid ? 'join' : 'probe', count: hits };
}

/** The tenant's test-definition names (a dozen rows), whose initialisms a search term may stand for. */
function testNames(db: Database): string[] {
  return stmt(db, 'SELECT DISTINCT name FROM tests WHERE name IS NOT NULL').pluck().all() as string[];
}

/** A query as the search reads it: the text's MATCH expression, the date bounds, the page. */
interface Prepared {
  q: CaseQuery;
  match: string | null;
  bounds: Bounds;
  limit: number;
  offset: number;
}

function prepare(db: Database, q: CaseQuery): Prepared {
  const match = ftsExpression(q.text, q.text ? testNames(db) : []);
  if (match) db.exec('CREATE TEMP TABLE IF NOT EXISTS search_hits (rid INTEGER PRIMARY KEY)');
  return { q, match, bounds: dateBounds(q), limit: q.limit ?? DEFAULT_LIMIT, offset: q.offset ?? 0 };
}

function hasFilters(q: CaseQuery, bounds: Bounds): boolean {
  return Boolean(q.status?.length || q.subState?.length || q.testId?.length || q.tag?.length || bounds.from || bounds.to);
}

/**
 * What searches on one connection remember: the facet counts of recent queries, so
 * that typing back and forth (or paging, or sorting) does not count again, and the
 * last text that matched fewer than all cases. It is kept only while the cache is
 * unchanged: `PRAGMA data_version` moves when another connection commits, and
 * `total_changes()` when this one writes (a sync, a refreshed case, the search's own
 * temp table). Each search records the counter it leaves behind, so its own temp
 * writes do not invalidate the answers.
 */
interface SearchMemo {
  dataVersion: number;
  changes: number;
  answers: Map<string, { total: number; facets: CaseFacets }>;
  /** The last text that matched fewer than all cases (see textHits). */
  partial: string | null;
}

const FACET_MEMO_SIZE = 32;
const searchMemos = new WeakMap<Database, SearchMemo>();

/** The key of the facet counts: everything of the query but its paging and sort. */
function facetKey(p: Prepared): string {
  const sorted = (values: string[] | undefined) => [...(values ?? [])].sort();
  return JSON.stringify([p.match, sorted(p.q.status), sorted(p.q.subState), sorted(p.q.testId), sorted(p.q.tag), p.bounds.from ?? null, p.bounds.to ?? null, p.bounds.toExclusive ?? false]);
}

/**
 * Runs `fn` in one deferred read transaction (everything it reads sees one snapshot,
 * even while a sync writes) with the connection's memo, emptied first when the
 * cache changed since the last search.
 */
function inSearch<T>(db: Database, fn: (memo: SearchMemo) => T): T {
  return db
    .transaction(() => {
      // Read before the first table read: a commit between the two only empties the memo once too often.
      const dataVersion = stmt(db, 'PRAGMA data_version').pluck().get() as number;
      const changes = stmt(db, 'SELECT total_changes()').pluck().get() as number;
      let memo = searchMemos.get(db);
      if (!memo || memo.dataVersion !== dataVersion || memo.changes !== changes) {
        memo = { dataVersion, changes, answers: new Map(), partial: null };
        searchMemos.set(db, memo);
      }
      try {
        return fn(memo);
      } finally {
        memo.changes = stmt(db, 'SELECT total_changes()').pluck().get() as number;
      }
    })
    .deferred();
}

/**
 * The total and the three facets from one grouped scan: count every (status, subState,
 * test) combination under the other filters, then apply the status, subState and test
 * filters here, leaving out each facet's own.
 */
function countFacets(db: Database, p: Prepared, hits: HitsMode): { total: number; facets: CaseFacets } {
  const { q } = p;
  const rest = buildFrom({ ...q, status: [], subState: [], testId: [] }, hits, p.bounds);
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
  return { total, facets };
}

/** The facet counts (and total) of a query: the memo's answer, or counted now and kept. */
function facetsOf(db: Database, p: Prepared, memo: SearchMemo, hits: () => HitsMode): { total: number; facets: CaseFacets } {
  const key = facetKey(p);
  const known = memo.answers.get(key);
  if (known) {
    // Most recently used last: the oldest answer is the first to go.
    memo.answers.delete(key);
    memo.answers.set(key, known);
    return known;
  }
  const answer = countFacets(db, p, hits());
  memo.answers.set(key, answer);
  if (memo.answers.size > FACET_MEMO_SIZE) memo.answers.delete(memo.answers.keys().next().value!);
  return answer;
}

/** How many cases match: known from the text's hits when nothing else filters, else one count. */
function countMatches(db: Database, p: Prepared, hits: { mode: HitsMode; count?: number }): number {
  if (!hasFilters(p.q, p.bounds)) {
    if (hits.count !== undefined) return hits.count;
    return stmt(db, 'SELECT count(*) FROM cases').pluck().get() as number;
  }
  const where = buildFrom(p.q, hits.mode, p.bounds);
  return stmt(db, `SELECT count(*) ${where.sql}`).pluck().get(...where.params) as number;
}

/** The page of rows, given the total. */
function pageOf(db: Database, p: Prepared, hits: HitsMode, total: number): CaseSummary[] {
  const { q, limit, offset } = p;
  if (total <= offset) return [];
  const cases = (stmt(db, 'SELECT max(rid) FROM cases').pluck().get() as number | null) ?? 0;
  const where = buildFrom(q, hits === 'probe' ? 'join' : hits, p.bounds, preferSortIndex(q, total, cases, offset, limit));
  const items = (stmt(db, `SELECT ${SUMMARY_COLUMNS} ${where.sql} ${orderBy(q)} LIMIT ? OFFSET ?`).all(...where.params, limit, offset) as SummaryRow[]).map(
    rowToSummary,
  );
  if (p.match && q.text) {
    // Name the reported variant that matched, for the page shown only.
    for (const item of items) {
      const hit = reportMatch(db, item.id, q.text);
      if (hit) item.match = hit;
    }
  }
  return items;
}

/**
 * One page of a search and its total: what a keystroke waits for. It costs the text
 * match, one count (none without filters) and the page, not the facet counts; the
 * total comes from the facet memo when the same query was counted before.
 */
export function searchRows(db: Database, q: CaseQuery): { items: CaseSummary[]; total: number } {
  const p = prepare(db, q);
  return inSearch(db, (memo) => {
    const hits = textHits(db, p, memo);
    const total = memo.answers.get(facetKey(p))?.total ?? countMatches(db, p, hits);
    return { items: pageOf(db, p, hits.mode, total), total };
  });
}

/** The facet counts of a query (paging and sort ignored), from the memo when the cache has not changed since they were counted. */
export function caseFacets(db: Database, q: CaseQuery): CaseFacets {
  const p = prepare(db, q);
  return inSearch(db, (memo) => facetsOf(db, p, memo, () => textHits(db, p, memo).mode).facets);
}

/** A page, the total and the facet counts in one read (the property tests compare all three with a model). */
export function searchCases(db: Database, q: CaseQuery): SearchOutcome {
  const p = prepare(db, q);
  return inSearch(db, (memo) => {
    const hits = textHits(db, p, memo);
    const { total, facets } = facetsOf(db, p, memo, () => hits.mode);
    return { items: pageOf(db, p, hits.mode, total), total, facets };
  });
}

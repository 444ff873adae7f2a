/**
 * Search over the cache equals a naive filter over the same data (property-based,
 * fast-check), for text, filters, sorting, paging and facets, after inserts, updates
 * and removals. The naive model is written from the semantics documented in
 * src-core/cache/search.ts and docs/offline-cache.md, not from the SQL.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { CacheStore } from '../../src-core/cache/store.js';
import { caseFacets, ftsExpression, searchRows } from '../../src-core/cache/search.js';
import { TesseraError } from '../../src-core/errors.js';
import type { CaseQuery } from '../../src-shared/schemas.js';
import { input, newCache } from '../fixtures/cache/helpers.js';
import { newDataDir } from '../helpers/env.js';

// ---- The model ------------------------------------------------------------------

interface ModelCase {
  id: string;
  displayId: string;
  status: string;
  subState: string | null;
  testId: string | null;
  testName: string | null;
  tags: string[];
  created: string | null;
  updated: string | null;
  due: string | null;
  samples: string[];
  names: string[];
  /** Position of first insertion: ties sort by it. */
  order: number;
}

/** Tokens as FTS5's unicode61 makes them for ASCII text: runs of letters and digits, lower-cased. */
function tokens(text: string): string[] {
  return text.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
}

function fieldsOf(c: ModelCase, withNames: boolean): string[][] {
  return [c.displayId, c.testName ?? '', c.status, c.subState ?? '', c.tags.join(' '), c.samples.join(' '), withNames ? c.names.join(' ') : ''].map(tokens);
}

/** A term matches when its tokens appear consecutively in one field, the last one as a prefix. */
function termMatches(term: string, fields: string[][]): boolean {
  const q = tokens(term);
  if (q.length === 0) return true;
  return fields.some((f) => {
    for (let i = 0; i + q.length <= f.length; i++) {
      let ok = true;
      for (let j = 0; j < q.length && ok; j++) ok = j === q.length - 1 ? f[i + j]!.startsWith(q[j]!) : f[i + j] === q[j];
      if (ok) return true;
    }
    return false;
  });
}

function dayAfter(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) + 86_400_000).toISOString();
}

type Dim = 'status' | 'subState' | 'test';

function matches(c: ModelCase, q: CaseQuery, withNames: boolean, omit?: Dim): boolean {
  if (q.text) {
    const terms = q.text.split(/\s+/).filter((t) => /[a-z0-9]/i.test(t));
    const fields = fieldsOf(c, withNames);
    if (!terms.every((t) => termMatches(t, fields))) return false;
  }
  if (omit !== 'status' && q.status?.length && !q.status.includes(c.status)) return false;
  if (omit !== 'subState' && q.subState?.length && (c.subState === null || !q.subState.includes(c.subState))) return false;
  if (omit !== 'test' && q.testId?.length && (c.testId === null || !q.testId.includes(c.testId))) return false;
  if (q.tag?.length && !c.tags.some((t) => q.tag!.includes(t))) return false;
  if (q.createdFrom && (c.created === null || c.created < `${q.createdFrom}T00:00:00.000Z`)) return false;
  if (q.createdTo && (c.created === null || c.created >= dayAfter(q.createdTo))) return false;
  return true;
}

const SORT_KEY = { createdDate: 'created', updatedDate: 'updated', dueDate: 'due', displayId: 'displayId' } as const;

function compare(a: ModelCase, b: ModelCase, q: CaseQuery): number {
  const key = SORT_KEY[q.sort ?? 'updatedDate'];
  const asc = (q.order ?? (q.sort === 'displayId' ? 'asc' : 'desc')) === 'asc';
  const va = a[key];
  const vb = b[key];
  if (va !== vb) {
    if (va === null) return 1; // missing last, either direction
    if (vb === null) return -1;
    return (va < vb ? -1 : 1) * (asc ? 1 : -1);
  }
  return (a.order - b.order) * (asc ? 1 : -1);
}

function tally(cases: ModelCase[], pick: (c: ModelCase) => string | null) {
  const counts = new Map<string, number>();
  for (const c of cases) {
    const v = pick(c);
    if (v !== null) counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  return [...counts].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1));
}

function naiveSearch(all: ModelCase[], q: CaseQuery, withNames: boolean) {
  const hits = all.filter((c) => matches(c, q, withNames)).sort((a, b) => compare(a, b, q));
  const offset = q.offset ?? 0;
  const limit = q.limit ?? 50;
  return {
    ids: hits.slice(offset, offset + limit).map((c) => c.id),
    total: hits.length,
    facets: {
      status: tally(all.filter((c) => matches(c, q, withNames, 'status')), (c) => c.status),
      subState: tally(all.filter((c) => matches(c, q, withNames, 'subState')), (c) => c.subState),
      test: tally(all.filter((c) => matches(c, q, withNames, 'test')), (c) => c.testId),
    },
  };
}

// ---- Generators -----------------------------------------------------------------

const WORDS = ['alpha', 'alpine', 'al', 'beta', 'bet', 'gamma', 'x1', '12', '123', 'case', 'CASE', 'ready'];
const SEPARATORS = [' ', '-', '_', '.', '/', ' - '];
const STATUSES = ['New', 'In Progress', 'Complete', 'Beta Hold', 'READY-X'];
const SUBSTATES = ['READY_FOR_REVIEW', 'PROCESSING', 'ALPHA_ISSUE'];
const TESTS = [
  { id: 't-1', name: 'Alpha Panel' },
  { id: 't-2', name: 'Gamma 123 Trio' },
  { id: 't-3', name: 'Beta-Case WGS' },
];
const TAGS = ['urgent', 'al-pha', 'rerun', 'x1'];
const DAYS = ['2024-01-01', '2024-01-02', '2024-01-15', '2024-02-01', '2024-02-29'];

const phrase = fc
  .array(fc.tuple(fc.constantFrom(...WORDS), fc.constantFrom(...SEPARATORS)), { minLength: 1, maxLength: 3 })
  .map((parts) => parts.map(([w, s], i) => (i === parts.length - 1 ? w : w + s)).join(''));

const dateArb = fc.option(
  fc.tuple(fc.constantFrom(...DAYS), fc.constantFrom('00:00:00.000', '09:30:00.000', '23:59:59.000')).map(([d, t]) => `${d}T${t}Z`),
  { nil: null },
);

const caseArb = fc.record({
  displayId: phrase,
  status: fc.constantFrom(...STATUSES),
  subState: fc.option(fc.constantFrom(...SUBSTATES), { nil: null }),
  test: fc.option(fc.constantFrom(...TESTS), { nil: null }),
  tags: fc.uniqueArray(fc.constantFrom(...TAGS), { maxLength: 3 }),
  created: dateArb,
  updated: dateArb,
  due: dateArb,
  sample: fc.option(phrase, { nil: null }),
  lastName: fc.constantFrom('Smith', 'Alpinez', 'Beta-Ray', 'Gam'),
});
type GenCase = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

/** Present in about one query in four, so that most queries still have several hits. */
function sometimes<T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: arb, weight: 1 });
}

const queryArb: fc.Arbitrary<CaseQuery> = fc
  .record({
    text: fc.oneof(
      { arbitrary: fc.constant(undefined), weight: 2 },
      { arbitrary: phrase.map((p) => p.slice(0, Math.max(1, p.length - 2))), weight: 2 },
      {
        arbitrary: fc
          .array(fc.oneof(phrase, fc.constantFrom('smi', 'alpinez', '"al', 'x', '-', 'in pro', 'ready_for', 'beta-ray', 'a', 'c')), { minLength: 1, maxLength: 3 })
          .map((a) => a.join(' ')),
        weight: 1,
      },
    ),
    status: sometimes(fc.uniqueArray(fc.constantFrom(...STATUSES), { minLength: 1, maxLength: 3 })),
    subState: sometimes(fc.uniqueArray(fc.constantFrom(...SUBSTATES), { minLength: 1, maxLength: 2 })),
    testId: sometimes(fc.uniqueArray(fc.constantFrom('t-1', 't-2', 't-3'), { minLength: 1, maxLength: 2 })),
    tag: sometimes(fc.uniqueArray(fc.constantFrom(...TAGS), { minLength: 1, maxLength: 2 })),
    createdFrom: sometimes(fc.constantFrom(...DAYS)),
    createdTo: sometimes(fc.constantFrom(...DAYS)),
    sort: fc.option(fc.constantFrom('createdDate', 'updatedDate', 'dueDate', 'displayId'), { nil: undefined }),
    order: fc.option(fc.constantFrom('asc', 'desc'), { nil: undefined }),
    offset: sometimes(fc.integer({ min: 0, max: 20 })),
    limit: fc.option(fc.integer({ min: 1, max: 40 }), { nil: undefined }),
  })
  .map((q) => Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined)) as CaseQuery);

function toJson(g: GenCase, id: string) {
  return {
    id,
    displayId: g.displayId,
    status: g.status,
    subState: g.subState,
    testDefinition: g.test ? { id: g.test.id, name: g.test.name, type: 'X' } : null,
    tags: g.tags,
    createdDate: g.created,
    updatedDate: g.updated,
    dueDate: g.due,
    caseSubjects: [
      {
        id: `${id}-s`,
        subject: { firstName: 'Pat', lastName: g.lastName, mrn: `M${id.slice(-4)}` },
        samples: g.sample ? [{ externalSampleId: g.sample }] : [],
      },
    ],
  };
}

function toModel(g: GenCase, id: string, order: number): ModelCase {
  return {
    id,
    displayId: g.displayId,
    status: g.status,
    subState: g.subState,
    testId: g.test?.id ?? null,
    testName: g.test?.name ?? null,
    tags: g.tags,
    created: g.created,
    updated: g.updated,
    due: g.due,
    samples: g.sample ? [g.sample] : [],
    names: ['Pat', g.lastName, `M${id.slice(-4)}`],
    order,
  };
}

// ---- Properties -----------------------------------------------------------------

const dataDir = newDataDir('search-prop');
const stores: CacheStore[] = [];
afterAll(() => {
  for (const s of stores) s.close();
});

/** How many compared queries had several hits: guards against a property that only ever compares empty results. */
const coverage = { queries: 0, severalHits: 0, nullSortKeys: 0 };

function compareWithModel(store: CacheStore, model: ModelCase[], q: CaseQuery, withNames: boolean): void {
  const got = store.search(q);
  const want = naiveSearch(model, q, withNames);
  coverage.queries++;
  if (want.total > 1) coverage.severalHits++;
  const key = SORT_KEY[q.sort ?? 'updatedDate'];
  if (want.total > 1 && model.some((c) => c[key] === null && matches(c, q, withNames))) coverage.nullSortKeys++;
  expect(got.items.map((i) => i.id)).toEqual(want.ids);
  expect(got.total).toBe(want.total);
  const strip = (f: { value: string; count: number }[]) => f.map(({ value, count }) => ({ value, count }));
  expect(strip(got.facets.status)).toEqual(want.facets.status);
  expect(strip(got.facets.subState)).toEqual(want.facets.subState);
  expect(strip(got.facets.test)).toEqual(want.facets.test);
  // What the app asks for separately: the rows (what a keystroke waits for), then the counts.
  const rows = searchRows(store.db, q);
  expect(rows.items.map((i) => i.id)).toEqual(want.ids);
  expect(rows.total).toBe(want.total);
  const facets = caseFacets(store.db, q);
  expect(strip(facets.status)).toEqual(want.facets.status);
  expect(strip(facets.subState)).toEqual(want.facets.subState);
  expect(strip(facets.test)).toEqual(want.facets.test);
}

describe('search equals a naive filter', () => {
  it('after one pass, then updates and removals', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(caseArb, { minLength: 0, maxLength: 60, size: 'large' }),
        fc.array(caseArb, { maxLength: 15 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        fc.boolean(),
        fc.array(queryArb, { minLength: 1, maxLength: 6 }),
        async (initial, changes, removals, withNames, queries) => {
          const { store } = await newCache({ dataDir });
          stores.push(store);
          // Pass 1: everything.
          const ids = initial.map((_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
          let g = store.beginPass(withNames);
          store.upsertPage(initial.map((c, i) => input(toJson(c, ids[i]!), withNames)), g, withNames);
          store.completePass(g, { sweep: true });
          let model = initial.map((c, i) => toModel(c, ids[i]!, i));
          for (const q of queries) compareWithModel(store, model, q, withNames);

          // Pass 2: some cases change, some disappear, the rest are unchanged.
          const removed = new Set(removals.map((r) => ids[r % Math.max(1, ids.length)]));
          const next = new Map(initial.map((c, i) => [ids[i]!, c]));
          changes.forEach((c, k) => {
            if (ids.length) next.set(ids[(k * 7) % ids.length]!, c);
          });
          for (const id of removed) if (id) next.delete(id);
          g = store.beginPass(withNames);
          store.upsertPage([...next].map(([id, c]) => input(toJson(c, id), withNames)), g, withNames);
          store.completePass(g, { sweep: true });
          model = [...next].map(([id, c]) => toModel(c, id, ids.indexOf(id)));
          for (const q of queries) compareWithModel(store, model, q, withNames);
          store.close();
        },
      ),
      { numRuns: 60 },
    );
    expect(coverage.severalHits).toBeGreaterThan(coverage.queries / 3);
    expect(coverage.nullSortKeys).toBeGreaterThan(coverage.queries / 10);
  });
});

describe('search details', () => {
  it('turns what people type into quoted prefix phrases, never FTS syntax', () => {
    expect(ftsExpression('CASE-2024-00')).toBe('"CASE-2024-00"*');
    expect(ftsExpression('smith  NEAR "x')).toBe('"smith"* AND "NEAR"* AND """x"*');
    expect(ftsExpression('- -- ')).toBeNull();
    expect(ftsExpression(undefined)).toBeNull();
  });

  it('rejects dates it cannot read', async () => {
    const { store } = await newCache({ dataDir });
    stores.push(store);
    expect(() => store.search({ createdFrom: 'yesterday' })).toThrow(TesseraError);
  });

  it('counts facets again after a write on this connection or a commit on another (a sync in another process)', async () => {
    const first = await newCache({ dataDir });
    stores.push(first.store);
    const other = await newCache({ dataDir, profileId: first.profileId, secrets: first.secrets });
    stores.push(other.store);
    const json = (id: string, status: string) => toJson({ displayId: `A-${id}`, status, subState: null, test: TESTS[0]!, tags: [], created: null, updated: null, due: null, sample: null, lastName: 'Gam' }, id);
    const write = (store: CacheStore, cases: [string, string][]) => {
      const g = store.beginPass(false);
      store.upsertPage(cases.map(([id, status]) => input(json(id, status))), g, false);
      store.completePass(g, { sweep: true });
    };
    const statuses = () => caseFacets(first.store.db, { text: 'A' }).status.map(({ value, count }) => [value, count]);

    write(first.store, [['id-1', 'New'], ['id-2', 'New']]);
    expect(statuses()).toEqual([['New', 2]]);
    expect(statuses()).toEqual([['New', 2]]);
    // This connection writes.
    write(first.store, [['id-1', 'New'], ['id-2', 'Complete']]);
    expect(statuses()).toEqual([['Complete', 1], ['New', 1]]);
    // Another connection to the same file commits.
    write(other.store, [['id-1', 'Draft'], ['id-2', 'Complete'], ['id-3', 'Complete']]);
    expect(statuses()).toEqual([['Complete', 2], ['Draft', 1]]);
    expect(searchRows(first.store.db, { text: 'A' }).total).toBe(3);
  });

  it('labels test facets with the test name', async () => {
    const { store } = await newCache({ dataDir });
    stores.push(store);
    const g = store.beginPass(false);
    store.upsertPage([input(toJson({ displayId: 'A-1', status: 'New', subState: null, test: TESTS[1]!, tags: [], created: null, updated: null, due: null, sample: null, lastName: 'Gam' }, 'id-1'))], g, false);
    store.completePass(g, { sweep: true });
    expect(store.search({}).facets.test).toEqual([{ value: 't-2', count: 1, label: 'Gamma 123 Trio' }]);
  });
});

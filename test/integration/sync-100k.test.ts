/**
 * At scale, against the simulator over HTTP: a 100,000-case sync completes; after the
 * server adds, changes and deletes cases a second sync leaves exactly the server's
 * state; the data directory holds none of the display ids, names or MRNs in
 * plaintext; and searches over the 100k cache equal a naive filter over the server's
 * own data (property-based).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConfigStore } from '../../src-core/config/store.js';
import { openCache } from '../../src-core/cache/store.js';
import type { SimCase } from '../../sim/index.js';
import type { CaseQuery } from '../../src-shared/schemas.js';
import { addKeyProfile, startTestSim } from '../helpers/tessera.js';
import { makeCacheCore, phiOf, plaintextHits, readCachedCases, serverRows, type CacheCore, type Sim } from '../fixtures/cache/core.js';
import { cacheKeySlot, ownerOf } from '../helpers/slots.js';
import { isInitialismOf } from '../../src-core/cache/initialisms.js';

const N = 100_000;
let sim: Sim;
let setup: CacheCore;

beforeAll(async () => {
  sim = await startTestSim({ cases: N, seed: 21 });
  setup = makeCacheCore();
  await addKeyProfile(setup.core, sim);
}, 120_000);
afterAll(async () => {
  await setup?.core.dispose();
  await sim?.close();
});

async function profileId(): Promise<string> {
  return (await openConfigStore(setup.dataDir).read()).profiles[0]!.id;
}

describe('100,000 cases', () => {
  it('sync completes; a second sync after changes matches the server exactly; no plaintext on disk', async () => {
    const first = await setup.core.sync('lab');
    expect(first.cases).toBe(N);
    console.log(`first sync of ${N} cases: ${first.durationMs} ms`);

    sim.data.addCases(700);
    sim.data.updateCases(1_500);
    sim.data.removeCases(400);
    const second = await setup.core.sync('lab');
    console.log(`second sync: ${second.durationMs} ms, removed ${second.removed}`);
    const server = sim.data.cases();
    expect(second.cases).toBe(server.length);
    expect(await readCachedCases(setup.dataDir, await profileId(), setup.secrets)).toEqual(serverRows(server));

    // Identifiers come from the simulator's full cases (they never reached the cache); display ids did.
    const needles = phiOf(server.slice(0, 20_000));
    expect(needles.length).toBeGreaterThan(20_000);
    expect(plaintextHits(setup.dataDir, needles)).toEqual([]);
  }, 300_000);

  it('search equals a naive filter over the server data', async () => {
    const server = sim.data.cases();
    const id = await profileId();
    const { store } = await openCache({ dataDir: setup.dataDir, profileId: id, key: cacheKeySlot(setup.secrets, await ownerOf(setup.dataDir, id)), onCorrupt: 'throw' });
    const rid = new Map((store.db.prepare('SELECT id, rid FROM cases').raw().all() as [string, number][]).map(([id, r]) => [id, r]));
    store.close();
    const model = server.map((c) => ({ c, rid: rid.get(c.id)!, fields: fieldsOf(c) }));
    const statuses = [...new Set(server.map((c) => c.status))];
    const tests = sim.data.testDefinitions().map((t) => t.id);
    const tags = [...new Set(server.flatMap((c) => c.tags))];

    const queryArb: fc.Arbitrary<CaseQuery> = fc
      .record({
        text: fc.option(
          fc.oneof(
            fc.integer({ min: 1, max: N }).map((n) => `CASE-${String(n).padStart(6, '0')}`.slice(0, 9 + (n % 3))),
            fc.constantFrom('trusight onc', 'rare disease', 'panel', 'in prog', 'ready_for', 'smp-0001', 'urgent', 'wgs', 'TSO 500', 'tso comprehensive', 'rdt'),
          ),
          { nil: undefined },
        ),
        status: fc.option(fc.uniqueArray(fc.constantFrom(...statuses), { minLength: 1, maxLength: 2 }), { nil: undefined }),
        testId: fc.option(fc.uniqueArray(fc.constantFrom(...tests), { minLength: 1, maxLength: 3 }), { nil: undefined }),
        tag: fc.option(fc.uniqueArray(fc.constantFrom(...tags), { minLength: 1, maxLength: 2 }), { nil: undefined }),
        createdFrom: fc.option(fc.constantFrom('2023-01-01', '2024-06-15'), { nil: undefined }),
        sort: fc.option(fc.constantFrom('createdDate', 'updatedDate', 'dueDate', 'displayId'), { nil: undefined }),
        order: fc.option(fc.constantFrom('asc', 'desc'), { nil: undefined }),
      })
      .map((q) => Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined)) as CaseQuery);

    await fc.assert(
      fc.asyncProperty(queryArb, async (q) => {
        const got = await setup.core.searchCases('lab', { ...q, limit: 25 });
        const hits = model.filter((m) => matches(m.c, m.fields, q));
        const key = { createdDate: 'createdDate', updatedDate: 'updatedDate', dueDate: 'dueDate', displayId: 'displayId' }[q.sort ?? 'updatedDate'] as keyof SimCase;
        const asc = (q.order ?? (q.sort === 'displayId' ? 'asc' : 'desc')) === 'asc';
        const norm = (v: unknown) => (v === null || v === undefined ? null : key === 'displayId' ? String(v) : new Date(String(v)).toISOString());
        hits.sort((a, b) => {
          const va = norm(a.c[key]);
          const vb = norm(b.c[key]);
          if (va !== vb) return va === null ? 1 : vb === null ? -1 : (va < vb ? -1 : 1) * (asc ? 1 : -1);
          return (a.rid - b.rid) * (asc ? 1 : -1);
        });
        expect(got.total).toBe(hits.length);
        expect(got.items.map((i) => i.id)).toEqual(hits.slice(0, 25).map((m) => m.c.id));
        const byStatus = new Map<string, number>();
        for (const m of model) if (matches(m.c, m.fields, { ...q, status: [] })) byStatus.set(m.c.status, (byStatus.get(m.c.status) ?? 0) + 1);
        const facets = await setup.core.caseFacets('lab', q);
        expect(Object.fromEntries(facets.status.map((f) => [f.value, f.count]))).toEqual(Object.fromEntries(byStatus));
      }),
      { numRuns: 25 },
    );
  }, 120_000);
});

function tokens(text: string): string[] {
  return text.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
}

function fieldsOf(c: SimCase): string[][] {
  const samples = c.caseSubjects.flatMap((s) => s.samples.flatMap((x) => [x.externalSampleId, x.externalSampleName]));
  return [c.displayId, c.testDefinition.name, c.status, c.subState, c.tags.join(' '), samples.join(' ')].map(tokens);
}

function termMatches(term: string, fields: string[][]): boolean {
  const q = tokens(term);
  return fields.some((f) => {
    for (let i = 0; i + q.length <= f.length; i++) {
      if (q.every((t, j) => (j === q.length - 1 ? f[i + j]!.startsWith(t) : f[i + j] === t))) return true;
    }
    return false;
  });
}

function matches(c: SimCase, fields: string[][], q: CaseQuery): boolean {
  if (q.text && !q.text.split(/\s+/).every((t) => termMatches(t, fields) || isInitialismOf(t, c.testDefinition.name))) return false;
  if (q.status?.length && !q.status.includes(c.status)) return false;
  if (q.testId?.length && !q.testId.includes(c.testDefinition.id)) return false;
  if (q.tag?.length && !c.tags.some((t) => q.tag!.includes(t))) return false;
  if (q.createdFrom && new Date(c.createdDate).toISOString() < `${q.createdFrom}T00:00:00.000Z`) return false;
  return true;
}

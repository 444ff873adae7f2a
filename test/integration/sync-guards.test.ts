/**
 * A sync does not believe everything a server says: an empty answer does not wipe the
 * cache in one pass, a page envelope that claims 50,000,000 pages does not start
 * thousands of requests, and a case-search page that never answers times out after the
 * `requestTimeoutSeconds` setting. The simulator over real HTTP, the real keychain.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TesseraError } from '../../src-core/errors.js';
import { addKeyProfile, startTestSim } from '../helpers/tessera.js';
import { makeCacheCore, readCachedCases, type Sim } from '../fixtures/cache/core.js';

let sim: Sim;
const CASES = 500;

beforeAll(async () => {
  sim = await startTestSim({ cases: CASES, seed: 83 });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.faults.clear();
});

const SEARCH = /\/cases\/search/;
/** A valid, consistent answer of a tenant without cases. */
const EMPTY_PAGE = { kind: 'status', status: 200, contentType: 'application/json', body: JSON.stringify({ content: [], totalElements: 0, totalPages: 0, number: 0, size: 1000 }) } as const;

async function cachedCount(setup: ReturnType<typeof makeCacheCore>): Promise<number> {
  const cfg = await (await import('../../src-core/config/store.js')).openConfigStore(setup.dataDir).read();
  const id = cfg.profiles.find((p) => p.name === 'lab')!.id;
  return (await readCachedCases(setup.dataDir, id, setup.secrets)).size;
}

describe('an empty search answer', () => {
  it('does not wipe a full cache in one pass: the removal waits for a second pass that sees the same, and the user is told', async () => {
    const setup = makeCacheCore();
    await addKeyProfile(setup.core, sim);
    expect((await setup.core.sync('lab')).cases).toBe(CASES);

    sim.faults.add({ match: { path: SEARCH }, fault: EMPTY_PAGE });
    const first = await setup.core.sync('lab');
    expect(first).toMatchObject({ cases: CASES, removed: 0, removalDeferred: CASES });
    expect(await cachedCount(setup)).toBe(CASES);
    expect(setup.progress().some((p) => p.phase === 'cleanup' && /not removed/.test(p.message ?? ''))).toBe(true);

    // The server answers normally again: nothing is removed and the pending removal is forgotten.
    const back = await setup.core.sync('lab');
    expect(back).toMatchObject({ cases: CASES, removed: 0 });
    expect(back.removalDeferred).toBeUndefined();
    sim.faults.add({ match: { path: SEARCH }, fault: EMPTY_PAGE });
    expect(await setup.core.sync('lab')).toMatchObject({ cases: CASES, removed: 0, removalDeferred: CASES });

    // The next clean pass sees the same: the tenant really is empty now.
    sim.faults.add({ match: { path: SEARCH }, fault: EMPTY_PAGE });
    const confirmed = await setup.core.sync('lab');
    expect(confirmed).toMatchObject({ cases: 0, removed: CASES });
    expect(confirmed.removalDeferred).toBeUndefined();
    expect(await cachedCount(setup)).toBe(0);
    await setup.core.dispose();
  });

  it('with allowMassRemoval, one pass removes them', async () => {
    const setup = makeCacheCore();
    await addKeyProfile(setup.core, sim);
    await setup.core.sync('lab');
    sim.faults.add({ match: { path: SEARCH }, fault: EMPTY_PAGE });
    expect(await setup.core.sync('lab', { allowMassRemoval: true })).toMatchObject({ cases: 0, removed: CASES });
    expect(await cachedCount(setup)).toBe(0);
    await setup.core.dispose();
  });

  it('ordinary deletions on the server are still removed in one pass', async () => {
    const setup = makeCacheCore();
    await addKeyProfile(setup.core, sim);
    await setup.core.sync('lab');
    const gone = sim.data.removeCases(40);
    const result = await setup.core.sync('lab');
    expect(result).toMatchObject({ removed: gone.length, cases: CASES - gone.length });
    expect(result.removalDeferred).toBeUndefined();
    sim.data.addCases(40);
    await setup.core.dispose();
  });
});

describe('page envelopes', () => {
  it('totalPages of 50,000,000 next to 500 cases fails as MALFORMED_RESPONSE after a request or two, and removes nothing', async () => {
    const setup = makeCacheCore();
    await addKeyProfile(setup.core, sim);
    await setup.core.sync('lab');
    sim.faults.add({
      match: { path: SEARCH },
      times: Infinity,
      fault: { kind: 'rewrite', transform: (json) => ({ ...(json as object), totalPages: 50_000_000 }) },
    });
    const before = sim.requests.length;
    const err = await setup.core.sync('lab').catch((e: unknown) => e);
    const searches = sim.requests.slice(before).filter((r) => SEARCH.test(r.path));
    sim.faults.clear();
    expect(err).toBeInstanceOf(TesseraError);
    expect(err).toMatchObject({ code: 'MALFORMED_RESPONSE', message: expect.stringMatching(/50000000 pages/) });
    expect(searches.length).toBeLessThanOrEqual(3);
    expect(await cachedCount(setup)).toBe(CASES);
    await setup.core.dispose();
  }, 60_000);

  it('pages that come back empty end the pass without removing anything', async () => {
    const setup = makeCacheCore({ cache: { pageSize: 100, concurrency: 1 } });
    await addKeyProfile(setup.core, sim);
    await setup.core.sync('lab');
    // Page 2 onwards answer no cases (the server lost them mid-sync), yet claim the full total.
    sim.faults.add({
      match: { path: /cases\/search\?.*pageNumber=([2-9]|\d\d+)(&|$)/ },
      times: Infinity,
      fault: { kind: 'rewrite', transform: (json) => ({ ...(json as object), content: [] }) },
    });
    const before = sim.requests.length;
    const result = await setup.core.sync('lab');
    const searches = sim.requests.slice(before).filter((r) => SEARCH.test(r.path));
    sim.faults.clear();
    expect(result).toMatchObject({ removed: 0, cases: CASES });
    expect(searches.length).toBe(3);
    await setup.core.dispose();
  });
});

describe('case-search timeout', () => {
  it('a hanging search page fails with TIMEOUT after requestTimeoutSeconds, and says so', async () => {
    const setup = makeCacheCore({ cache: { retry: { maxAttempts: 1 } } });
    await addKeyProfile(setup.core, sim);
    await setup.core.updateSettings({ requestTimeoutSeconds: 2 });
    sim.faults.add({ match: { path: SEARCH }, times: Infinity, fault: { kind: 'hang' } });
    const err = await setup.core.sync('lab').catch((e: unknown) => e);
    sim.faults.clear();
    expect(err).toBeInstanceOf(TesseraError);
    expect(err).toMatchObject({ code: 'TIMEOUT', message: expect.stringMatching(/cases\/search did not answer within 2 s/) });
    await setup.core.dispose();
  }, 30_000);

  it('a hanging audit log gives up after ten times requestTimeoutSeconds, and the sync still completes', async () => {
    const setup = makeCacheCore({ cache: { retry: { maxAttempts: 1 } } });
    await addKeyProfile(setup.core, sim);
    await setup.core.updateSettings({ requestTimeoutSeconds: 1 });
    sim.faults.add({ match: { path: /\/auditlogs\// }, times: Infinity, fault: { kind: 'hang' } });
    const result = await setup.core.sync('lab', { auditDays: 3 });
    sim.faults.clear();
    expect(result).toMatchObject({ cases: CASES, audit: 0 });
    await setup.core.dispose();
  }, 40_000);
});

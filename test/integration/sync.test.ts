/**
 * Sync against the simulator over real HTTP, with the real keychain: paging, headers,
 * progress, mark-and-sweep after the server changes, failures that leave the cache as
 * it was (malformed page, persistent 500), 429 retried, cancellation, the v2→v1
 * fallback remembered per profile, Basic profiles, and the identifier opt-in.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TesseraError } from '../../src-core/errors.js';
import { addBasicProfile, addKeyProfile, startTestSim } from '../helpers/tessera.js';
import { makeCacheCore, phiOf, plaintextHits, readCachedCases, serverRows, waitFor, type Sim } from '../fixtures/cache/core.js';

let sim: Sim;
const CASES = 2_500;

beforeAll(async () => {
  sim = await startTestSim({ cases: CASES, seed: 3 });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.faults.clear();
  sim.setCaseSearchVersions(['v1', 'v2']);
});

async function profileId(setup: ReturnType<typeof makeCacheCore>, name = 'lab'): Promise<string> {
  const cfg = await (await import('../../src-core/config/store.js')).openConfigStore(setup.dataDir).read();
  return cfg.profiles.find((p) => p.name === name)!.id;
}

async function snapshot(setup: ReturnType<typeof makeCacheCore>, name = 'lab') {
  const id = await profileId(setup, name);
  return { rows: await readCachedCases(setup.dataDir, id, setup.secrets), status: await setup.core.getCacheStatus(name) };
}

function searchRequests(from = 0) {
  return sim.requests.slice(from).filter((r) => r.path.includes('/cases/search'));
}

describe('sync', () => {
  it('pages through every case with the documented headers, reports progress and brings the cache to the server state', async () => {
    const setup = makeCacheCore();
    await addKeyProfile(setup.core, sim);
    await setup.core.updateProfile('lab', { workgroup: sim.demo.workgroup });
    const before = sim.requests.length;
    const result = await setup.core.sync('lab');

    expect(result).toMatchObject({ profile: 'lab', cases: CASES, removed: 0, tests: sim.data.testDefinitions().length });
    const pages = searchRequests(before);
    expect(pages.map((r) => Number(r.query.pageNumber)).sort((a, b) => a - b)).toEqual([0, 1, 2]);
    for (const r of sim.requests.slice(before)) {
      expect(r.headers.authorization).toBe(`ApiKey ${sim.demo.apiKey}`);
      expect(r.headers['x-auth-token']).toBe(`ApiKey ${sim.demo.apiKey}`);
      expect(r.headers['x-ilmn-domain']).toBe(sim.demo.domain);
      expect(r.headers['x-ilmn-workgroup']).toBe(sim.demo.workgroup);
    }
    expect(pages.every((r) => r.query.pageSize === '1000' && r.path === '/crs/api/v2/cases/search')).toBe(true);

    const phases = setup.progress().map((p) => p.phase);
    expect(phases[0]).toBe('tests');
    expect(phases).toContain('cases');
    expect(phases.at(-2)).toBe('cleanup');
    expect(phases.at(-1)).toBe('done');
    const last = setup.progress().filter((p) => p.phase === 'cases').at(-1)!;
    expect(last).toMatchObject({ profile: 'lab', done: CASES, total: CASES });

    const { rows, status } = await snapshot(setup);
    expect(rows).toEqual(serverRows(sim.data.cases()));
    expect(status).toMatchObject({ cases: CASES, syncing: false, includeIdentifiers: false });
    expect(Date.parse(status.syncedAt!)).toBeGreaterThan(Date.now() - 60_000);

    const tests = await setup.core.listTests('lab');
    expect(tests.data.map((t) => t.id).sort()).toEqual(sim.data.testDefinitions().map((t) => t.id).sort());
    expect(tests).toMatchObject({ stale: false, offline: false });

    // Data dir: no display id (or anything else from the cases) in plaintext.
    expect(plaintextHits(setup.dataDir, phiOf(sim.data.cases()))).toEqual([]);
    await setup.core.dispose();
  });

  it('a second sync after the server adds, changes and deletes cases matches the server exactly', async () => {
    const setup = makeCacheCore();
    await addKeyProfile(setup.core, sim);
    await setup.core.sync('lab');
    sim.data.addCases(40);
    sim.data.updateCases(60);
    const gone = sim.data.removeCases(25);
    const result = await setup.core.sync('lab');
    expect(result.removed).toBe(25);
    const { rows } = await snapshot(setup);
    expect(rows).toEqual(serverRows(sim.data.cases()));
    for (const c of gone) expect(rows.has(c.id)).toBe(false);
    await setup.core.dispose();
  });

  it('a malformed page in the middle fails with MALFORMED_RESPONSE naming the endpoint and leaves the cache as it was', async () => {
    const setup = makeCacheCore();
    await addKeyProfile(setup.core, sim);
    await setup.core.sync('lab');
    const before = await snapshot(setup);

    sim.faults.add({ match: { path: /cases\/search\?.*pageNumber=1(&|$)/ }, fault: { kind: 'malformed' } });
    const err = await setup.core.sync('lab').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TesseraError);
    expect((err as TesseraError).code).toBe('MALFORMED_RESPONSE');
    expect((err as TesseraError).message).toMatch(/GET http:\/\/127\.0\.0\.1:\d+\/crs\/api\/v2\/cases\/search .*page 1/);
    expect(setup.progress().at(-1)).toMatchObject({ phase: 'failed' });
    expect(await snapshot(setup)).toEqual(before);

    // Valid JSON with a case whose id is empty: refused as well.
    sim.faults.add({
      match: { path: /cases\/search\?.*pageNumber=2(&|$)/ },
      fault: {
        kind: 'status',
        status: 200,
        contentType: 'application/json',
        body: JSON.stringify({ content: [{ id: '', displayId: 'X', status: 'New' }], totalElements: CASES, totalPages: 3, number: 2, size: 1000 }),
      },
    });
    await expect(setup.core.sync('lab')).rejects.toMatchObject({ code: 'MALFORMED_RESPONSE', message: expect.stringMatching(/content\.0\.id/) });
    expect(await snapshot(setup)).toEqual(before);

    await setup.core.sync('lab');
    expect((await snapshot(setup)).rows).toEqual(serverRows(sim.data.cases()));
    await setup.core.dispose();
  });

  it('a persistent 500 in the middle fails after the retries and leaves the cache as it was; a 429 with Retry-After is retried', async () => {
    const setup = makeCacheCore();
    await addKeyProfile(setup.core, sim);
    await setup.core.sync('lab');
    const before = await snapshot(setup);

    sim.faults.add({ match: { path: /cases\/search\?.*pageNumber=2(&|$)/ }, times: Infinity, fault: { kind: 'status', status: 500, body: '{"code":"BOOM","message":"x"}' } });
    await expect(setup.core.sync('lab')).rejects.toMatchObject({ code: 'SERVER_ERROR', message: expect.stringMatching(/cases\/search returned 500/) });
    expect(await snapshot(setup)).toEqual(before);
    sim.faults.clear();

    sim.faults.add({ match: { path: /cases\/search\?.*pageNumber=1(&|$)/ }, times: 2, fault: { kind: 'status', status: 429, retryAfterSeconds: 0 } });
    await expect(setup.core.sync('lab')).resolves.toMatchObject({ cases: sim.data.cases().length });
    await setup.core.dispose();
  });

  it('cancelling stops the sync with CANCELLED and a consistent cache', async () => {
    const setup = makeCacheCore();
    await addKeyProfile(setup.core, sim);
    await setup.core.sync('lab');
    const before = await snapshot(setup);
    sim.faults.add({ match: { path: /cases\/search/ }, times: Infinity, fault: { kind: 'delay', ms: 300 } });
    // Only this second run's events count: the first run above already reported its cases phase.
    const mark = setup.progress().length;
    const running = setup.core.sync('lab').catch((e: unknown) => e);
    await waitFor(() => setup.progress().slice(mark).some((p) => p.phase === 'cases' && p.total === null));
    expect((await setup.core.getCacheStatus('lab')).syncing).toBe(true);
    await setup.core.cancelSync('lab');
    expect(await running).toMatchObject({ code: 'CANCELLED' });
    expect(setup.progress().at(-1)).toMatchObject({ phase: 'cancelled' });
    expect(await snapshot(setup)).toEqual({ ...before, status: { ...before.status, syncing: false } });
    await setup.core.dispose();
  });

  it('falls back from v2 to v1 on 404 and remembers v1 for the profile', async () => {
    sim.setCaseSearchVersions(['v1']);
    const setup = makeCacheCore();
    await addKeyProfile(setup.core, sim);
    let from = sim.requests.length;
    await setup.core.sync('lab');
    expect(searchRequests(from).filter((r) => r.path.includes('/v2/'))).toHaveLength(1);
    const cfg = await (await import('../../src-core/config/store.js')).openConfigStore(setup.dataDir).read();
    expect(cfg.profiles[0]!.tssSearchVersion).toBe('v1');

    // A new process (a new core on the same data dir) goes straight to v1.
    await setup.core.dispose();
    const again = makeCacheCore({ dataDir: setup.dataDir, secrets: setup.secrets });
    from = sim.requests.length;
    await again.core.sync('lab');
    const paths = searchRequests(from).map((r) => r.path);
    expect(paths.length).toBe(3);
    expect(paths.every((p) => p === '/crs/api/v1/cases/search')).toBe(true);
    await again.core.dispose();
  });

  it('a Basic profile sends its ICA JWT as a Bearer token', async () => {
    const setup = makeCacheCore();
    await addBasicProfile(setup.core, sim);
    const from = sim.requests.length;
    await setup.core.sync('lab-basic');
    const tss = sim.requests.slice(from).filter((r) => !r.path.startsWith('/ica/'));
    expect(tss.length).toBeGreaterThan(0);
    expect(tss.every((r) => /^Bearer [\w-]+\.[\w-]+\.[\w-]+$/.test(r.headers.authorization ?? ''))).toBe(true);
    expect(tss.some((r) => 'x-auth-token' in r.headers)).toBe(false);
    await setup.core.dispose();
  });
});

describe('patient identifiers', () => {
  it('are fetched (directIdentifiers=true) only when opted in, are searchable, and never hit the disk in plaintext', async () => {
    const small = await startTestSim({ cases: 120, seed: 5 });
    try {
      const setup = makeCacheCore();
      await addKeyProfile(setup.core, small);
      let from = small.requests.length;
      await setup.core.sync('lab');
      expect(small.requests.slice(from).filter((r) => /\/cases\/[^/]+$/.test(r.path) && !r.path.endsWith('search'))).toHaveLength(0);
      const someone = small.data.cases()[7]!.caseSubjects[0]!.subject;
      expect((await setup.core.searchCases('lab', { text: someone.mrn! })).total).toBe(0);

      await setup.core.updateProfile('lab', { includeIdentifiers: true });
      from = small.requests.length;
      await setup.core.sync('lab');
      const details = small.requests.slice(from).filter((r) => /\/crs\/api\/v1\/cases\/[^/]+$/.test(r.path));
      expect(details).toHaveLength(120);
      expect(details.every((r) => r.query.directIdentifiers === 'true')).toBe(true);
      const hit = await setup.core.searchCases('lab', { text: `${someone.lastName} ${someone.mrn}` });
      expect(hit.items.map((i) => i.id)).toContain(small.data.cases()[7]!.id);

      // Unchanged cases are not fetched again.
      from = small.requests.length;
      small.data.updateCases(3);
      await setup.core.sync('lab');
      expect(small.requests.slice(from).filter((r) => /\/crs\/api\/v1\/cases\/[^/]+$/.test(r.path)).length).toBeLessThanOrEqual(3);

      expect(plaintextHits(setup.dataDir, phiOf(small.data.cases()))).toEqual([]);

      // Opting out purges them from the cache and its index.
      await setup.core.updateProfile('lab', { includeIdentifiers: false });
      await setup.core.dispose();
      const again = makeCacheCore({ dataDir: setup.dataDir, secrets: setup.secrets });
      expect((await again.core.searchCases('lab', { text: someone.mrn! })).total).toBe(0);
      await again.core.dispose();
    } finally {
      await small.close();
    }
  });
});

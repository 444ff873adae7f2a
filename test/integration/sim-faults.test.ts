/** Fault injection, the request log, data mutation and shutdown of the simulator, over real HTTP. */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSim, type Sim } from '../../sim/index.js';
import { ICA_ACCEPT, mint, mintToken, tss, tssJson } from './sim-helpers.js';

let sim: Sim;

beforeAll(async () => {
  sim = await startSim({ cases: 200 });
});
afterAll(async () => {
  await sim.close();
});

describe('faults', () => {
  it('status: answers the given status with Retry-After, once by default, then normally', async () => {
    sim.faults.add({ match: { path: '/ica/rest/api/tokens' }, fault: { kind: 'status', status: 429, retryAfterSeconds: 2 } });
    const first = await mint(sim, { 'X-API-Key': sim.demo.apiKey });
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('2');
    expect(first.headers.get('content-type')).toBe('application/problem+json');
    expect(first.headers.get('date')).toBeTruthy();
    expect((await mint(sim, { 'X-API-Key': sim.demo.apiKey })).status).toBe(200);
  });

  it('status: TSS faults carry a JSON {code, message, details} body; custom body and type are honoured', async () => {
    sim.faults.add({ match: { path: /cases\/search/ }, times: 2, fault: { kind: 'status', status: 503 } });
    const a = await tss(sim, '/crs/api/v2/cases/search');
    expect(a.status).toBe(503);
    expect(((await a.json()) as { code: string }).code).toBeTruthy();
    expect((await tss(sim, '/crs/api/v2/cases/search')).status).toBe(503);
    expect((await tss(sim, '/crs/api/v2/cases/search')).status).toBe(200);

    sim.faults.add({ fault: { kind: 'status', status: 500, body: '<html>oops</html>', contentType: 'text/html' } });
    const html = await tss(sim, '/tms/api/v1/testDefinitions');
    expect(html.status).toBe(500);
    expect(html.headers.get('content-type')).toBe('text/html');
    expect(await html.text()).toBe('<html>oops</html>');
  });

  it('matches on method and on path strings or RegExps (also against the query), in order', async () => {
    sim.faults.add({ match: { method: 'GET', path: '/ica/rest/api/tokens' }, fault: { kind: 'status', status: 500 } });
    expect((await mint(sim, { 'X-API-Key': sim.demo.apiKey })).status).toBe(200);
    sim.faults.clear();
    sim.faults.add({ match: { path: /pageNumber=2\b/ }, fault: { kind: 'status', status: 502 } });
    sim.faults.add({ match: { path: /cases\/search/ }, fault: { kind: 'status', status: 504 } });
    expect((await tss(sim, '/crs/api/v2/cases/search?pageNumber=1')).status).toBe(504);
    expect((await tss(sim, '/crs/api/v2/cases/search?pageNumber=2')).status).toBe(502);
    expect((await tss(sim, '/crs/api/v2/cases/search?pageNumber=2')).status).toBe(200);
  });

  it('times: Infinity keeps a rule until clear()', async () => {
    sim.faults.add({ match: { path: '/tms/api/v1/testDefinitions' }, times: Infinity, fault: { kind: 'status', status: 503 } });
    for (let i = 0; i < 5; i++) expect((await tss(sim, '/tms/api/v1/testDefinitions')).status).toBe(503);
    sim.faults.clear();
    expect((await tss(sim, '/tms/api/v1/testDefinitions')).status).toBe(200);
  });

  it('delay: answers normally after the delay', async () => {
    sim.faults.add({ match: { path: '/tms/api/v1/testDefinitions' }, fault: { kind: 'delay', ms: 300 } });
    const started = performance.now();
    const res = await tss(sim, '/tms/api/v1/testDefinitions');
    expect(res.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(280);
  });

  it('hang: never answers until the client aborts', async () => {
    sim.faults.add({ match: { path: '/ica/rest/api/tokens' }, fault: { kind: 'hang' } });
    const res = fetch(`${sim.icaBaseUrl}/api/tokens`, {
      method: 'POST',
      headers: { 'X-API-Key': sim.demo.apiKey, Accept: ICA_ACCEPT },
      signal: AbortSignal.timeout(300),
    });
    await expect(res).rejects.toThrow(/abort|timeout/i);
    expect((await mint(sim, { 'X-API-Key': sim.demo.apiKey })).status).toBe(200);
  });

  it('malformed: 200 with broken JSON of the right content type', async () => {
    sim.faults.add({ match: { path: '/ica/rest/api/tokens' }, fault: { kind: 'malformed' } });
    const ica = await mint(sim, { 'X-API-Key': sim.demo.apiKey });
    expect(ica.status).toBe(200);
    expect(ica.headers.get('content-type')).toBe(ICA_ACCEPT);
    await expect(ica.json()).rejects.toThrow();
    sim.faults.add({ match: { path: /cases\/search/ }, fault: { kind: 'malformed' } });
    const page = await tss(sim, '/crs/api/v2/cases/search');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('application/json');
    await expect(page.json()).rejects.toThrow();
  });

  it('reset: destroys the connection', async () => {
    sim.faults.add({ match: { path: '/ica/rest/api/tokens' }, fault: { kind: 'reset' } });
    await expect(mint(sim, { 'X-API-Key': sim.demo.apiKey })).rejects.toThrow();
    expect((await mint(sim, { 'X-API-Key': sim.demo.apiKey })).status).toBe(200);
  });

  it('faulted mints do not count as mints', async () => {
    const before = sim.mintCount();
    sim.faults.add({ match: { path: '/ica/rest/api/tokens' }, fault: { kind: 'status', status: 500 } });
    await mint(sim, { 'X-API-Key': sim.demo.apiKey });
    expect(sim.mintCount()).toBe(before);
  });
});

describe('request log', () => {
  it('records method, path, query (repeated keys as arrays), lower-cased headers including auth, and body', async () => {
    sim.clearRequests();
    await tss(sim, '/crs/api/v2/cases/search?pageSize=5&tags=a&tags=b', { 'X-ILMN-Workgroup': sim.demo.workgroup });
    await fetch(`${sim.icaBaseUrl}/api/tokens?tenant=demo-lab`, {
      method: 'POST',
      headers: { 'X-API-Key': sim.demo.apiKey, Accept: ICA_ACCEPT, 'Content-Type': 'text/plain' },
      body: 'hello',
    });
    expect(sim.requests).toHaveLength(2);
    const [search, token] = sim.requests;
    expect(search).toMatchObject({ method: 'GET', path: '/crs/api/v2/cases/search', query: { pageSize: '5', tags: ['a', 'b'] }, body: '' });
    expect(search?.headers.authorization).toBe(`ApiKey ${sim.demo.apiKey}`);
    expect(search?.headers['x-ilmn-domain']).toBe('demo-lab');
    expect(search?.headers['x-ilmn-workgroup']).toBe(sim.demo.workgroup);
    expect(token).toMatchObject({ method: 'POST', path: '/ica/rest/api/tokens', query: { tenant: 'demo-lab' }, body: 'hello' });
    expect(token?.headers['x-api-key']).toBe(sim.demo.apiKey);
    expect(typeof token?.at).toBe('number');
    sim.clearRequests();
    expect(sim.requests).toHaveLength(0);
  });

  it('records faulted requests too', async () => {
    sim.clearRequests();
    sim.faults.add({ fault: { kind: 'status', status: 503 } });
    await tss(sim, '/tms/api/v1/testDefinitions');
    expect(sim.requests.map((r) => r.path)).toEqual(['/tms/api/v1/testDefinitions']);
  });

  it('counts a burst of concurrent mints exactly', async () => {
    const before = sim.mintCount();
    await Promise.all(Array.from({ length: 20 }, () => mintToken(sim)));
    expect(sim.mintCount()).toBe(before + 20);
  });
});

describe('data mutation', () => {
  it('adds, updates and removes cases, and the server reflects each change', async () => {
    const total = () => tssJson<{ totalElements: number }>(sim, '/crs/api/v2/cases/search?pageSize=1').then((p) => p.totalElements);
    const start = await total();
    expect(start).toBe(sim.data.cases().length);

    const added = sim.data.addCases(5);
    expect(added).toHaveLength(5);
    expect(await total()).toBe(start + 5);
    const lastPage = await tssJson<{ content: Array<{ id: string }> }>(sim, `/crs/api/v2/cases/search?pageSize=5&pageNumber=${(start + 5) / 5 - 1}`);
    expect(lastPage.content.map((c) => c.id)).toEqual(added.map((c) => c.id));
    const before = new Map(sim.data.cases().map((c) => [c.id, c]));

    const updated = sim.data.updateCases(7);
    expect(updated).toHaveLength(7);
    for (const u of updated) {
      const old = before.get(u.id);
      expect(`${u.status}/${u.subState}`).not.toBe(`${old?.status}/${old?.subState}`);
      expect(Date.parse(u.updatedDate)).toBeGreaterThan(Date.parse(old?.updatedDate ?? ''));
      const served = await tssJson<{ status: string; subState: string; updatedDate: string }>(sim, `/crs/api/v1/cases/${u.id}`);
      expect(served).toMatchObject({ status: u.status, subState: u.subState, updatedDate: u.updatedDate });
    }

    const removed = sim.data.removeCases(4);
    expect(removed).toHaveLength(4);
    expect(await total()).toBe(start + 1);
    for (const r of removed) expect((await tss(sim, `/crs/api/v1/cases/${r.id}`)).status).toBe(404);
    const ids = new Set(sim.data.cases().map((c) => c.id));
    expect(removed.some((r) => ids.has(r.id))).toBe(false);
  });

  it('mutates the named tenant only', async () => {
    const demoBefore = sim.data.cases().length;
    sim.data.addCases(2, 'partner-lab');
    expect(sim.data.cases().length).toBe(demoBefore);
    expect(sim.data.cases('partner-lab')).toHaveLength(38);
    expect(() => sim.data.cases('nope')).toThrow();
  });

  it('is deterministic for one seed', async () => {
    const a = await startSim({ cases: 40, seed: 7 });
    const b = await startSim({ cases: 40, seed: 7 });
    try {
      expect(b.data.cases()).toEqual(a.data.cases());
      expect(b.data.addCases(3)).toEqual(a.data.addCases(3));
      expect(b.data.updateCases(3)).toEqual(a.data.updateCases(3));
      expect(b.data.removeCases(3)).toEqual(a.data.removeCases(3));
      expect(b.demo.apiKey).toBe(a.demo.apiKey);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe('close()', () => {
  it('closes promptly with a hung request and a keep-alive connection open', async () => {
    const s = await startSim({ cases: 5 });
    s.faults.add({ fault: { kind: 'hang' } });
    const hung = new Promise<string>((resolve) => {
      const req = request(`${s.url}/tms/api/v1/testDefinitions`, { agent: false }, () => resolve('answered'));
      req.on('error', (err) => resolve(`error: ${err.message}`));
      req.end();
    });
    await new Promise((r) => setTimeout(r, 50));
    const started = performance.now();
    await s.close();
    expect(performance.now() - started).toBeLessThan(1000);
    expect(await hung).toMatch(/^error/);
  });

  it('closes promptly during a delayed response', async () => {
    const s = await startSim({ cases: 5 });
    s.faults.add({ fault: { kind: 'delay', ms: 60_000 } });
    const pending = fetch(`${s.url}/tms/api/v1/testDefinitions`).catch((err: Error) => err);
    await new Promise((r) => setTimeout(r, 50));
    const started = performance.now();
    await s.close();
    expect(performance.now() - started).toBeLessThan(1000);
    expect(await pending).toBeInstanceOf(Error);
  });
});

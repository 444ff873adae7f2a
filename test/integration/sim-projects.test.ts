/** The simulated ICA projects API over real HTTP: list, search, paging, one project, tenant isolation, errors. */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSim, type Sim } from '../../sim/index.js';
import { ICA_ACCEPT, OPENAPI_PATH, mintToken, problemSchemaFromOpenApi, problemViolations } from './sim-helpers.js';

let sim: Sim;
let demoJwt: string;
let partnerJwt: string;

/** Required fields of Project and ProjectPagedList in the public OpenAPI document. */
const PROJECT_REQUIRED = ['active', 'billingMode', 'id', 'name', 'ownerId', 'region', 'tags', 'tenantId', 'timeCreated', 'timeModified'];
const PAGED_REQUIRED = ['items'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

beforeAll(async () => {
  sim = await startSim({ cases: 10 });
  demoJwt = await mintToken(sim);
  partnerJwt = await mintToken(sim, { 'X-API-Key': sim.demo.partner.apiKey });
});
afterAll(async () => {
  await sim.close();
});

function get(path: string, headers: Record<string, string> = { Authorization: `Bearer ${demoJwt}` }, accept = ICA_ACCEPT): Promise<Response> {
  return fetch(`${sim.icaBaseUrl}/api/projects${path}`, { headers: { Accept: accept, ...headers } });
}

interface Paged {
  items: Array<Record<string, unknown> & { id: string; name: string; active: boolean }>;
  nextPageToken?: string;
  totalItemCount?: number;
  remainingRecords?: number;
}

describe('GET /api/projects', () => {
  it('lists the tenant\'s visible projects as a ProjectPagedList of Projects with every required field', async () => {
    const res = await get('');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(ICA_ACCEPT);
    const body = (await res.json()) as Paged;
    for (const field of PAGED_REQUIRED) expect(body).toHaveProperty(field);
    const visible = sim.data.projects().filter((p) => p.active);
    expect(body.items.map((p) => p.name)).toEqual(visible.map((p) => p.name));
    expect(body.totalItemCount).toBe(visible.length);
    for (const project of body.items) {
      for (const field of PROJECT_REQUIRED) expect(project).toHaveProperty(field);
      expect(project.id).toMatch(UUID);
      expect(project.tenantId).toBe(sim.demo.tenantId);
    }
  });

  it('filters by search text ignoring case, and includes hidden projects only when asked', async () => {
    const found = (await (await get('?search=RARE%20disease')).json()) as Paged;
    expect(found.items.map((p) => p.name).sort()).toEqual(['Rare Disease WGS', 'rare disease wgs']);
    const archive = (await (await get('?search=archive')).json()) as Paged;
    expect(archive.items).toEqual([]);
    const hidden = (await (await get('?search=archive&includeHiddenProjects=true')).json()) as Paged;
    expect(hidden.items.map((p) => [p.name, p.active])).toEqual([['Archive 2023', false]]);
  });

  it('pages by offset and by cursor', async () => {
    const first = (await (await get('?pageSize=2&pageOffset=0')).json()) as Paged;
    const second = (await (await get('?pageSize=2&pageOffset=2')).json()) as Paged;
    expect(first.items).toHaveLength(2);
    expect(second.items[0]?.id).not.toBe(first.items[0]?.id);
    expect(first.nextPageToken).toBe('');

    const names: string[] = [];
    let token = '';
    for (let i = 0; i < 10; i++) {
      const page = (await (await get(`?pageSize=3&pageToken=${token}`)).json()) as Paged;
      names.push(...page.items.map((p) => p.name));
      if (!page.nextPageToken) break;
      token = page.nextPageToken;
    }
    expect(names).toEqual(sim.data.projects().filter((p) => p.active).map((p) => p.name));
    expect((await get('?pageSize=abc')).status).toBe(400);
  });

  it('shows each tenant only its own projects (same name in two tenants, different ids)', async () => {
    const demo = (await (await get('?search=Oncology%20Validation')).json()) as Paged;
    const partner = (await (await get('?search=Oncology%20Validation', { Authorization: `Bearer ${partnerJwt}` })).json()) as Paged;
    expect(demo.items).toHaveLength(1);
    expect(partner.items).toHaveLength(1);
    expect(demo.items[0]?.id).not.toBe(partner.items[0]?.id);
    expect((await get(`/${partner.items[0]?.id}`)).status).toBe(404);
  });

  it('accepts an API key too, and answers 401, 400 (Accept) and 405 as Problems', async () => {
    expect((await get('', { 'X-API-Key': sim.demo.apiKey })).status).toBe(200);
    for (const [res, status] of [
      [await get('', {}), 401],
      [await get('', { Authorization: 'Bearer not-a-jwt' }), 401],
      [await get('', { Authorization: `Bearer ${demoJwt}` }, 'application/json'), 400],
      [await fetch(`${sim.icaBaseUrl}/api/projects`, { method: 'POST', headers: { Accept: ICA_ACCEPT, Authorization: `Bearer ${demoJwt}` } }), 405],
    ] as const) {
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(problemViolations(await res.json())).toEqual([]);
    }
  });
});

describe('GET /api/projects/{projectId}', () => {
  it('answers the project, hidden ones included, and a Problem 404 for an unknown id', async () => {
    for (const project of sim.data.projects()) {
      const res = await get(`/${project.id}`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual(project);
    }
    const missing = await get('/00000000-0000-4000-8000-000000000000');
    expect(missing.status).toBe(404);
    expect(problemViolations(await missing.json())).toEqual([]);
  });

  it('is seeded: the same seed gives the same ids', async () => {
    const again = await startSim({ cases: 10 });
    try {
      expect(again.data.projects().map((p) => p.id)).toEqual(sim.data.projects().map((p) => p.id));
    } finally {
      await again.close();
    }
  });
});

describe('the public OpenAPI document', () => {
  it('requires the fields these tests check', () => {
    const text = readFileSync(OPENAPI_PATH, 'utf8');
    expect(problemSchemaFromOpenApi(text, 'Project').required.sort()).toEqual([...PROJECT_REQUIRED].sort());
    expect(problemSchemaFromOpenApi(text, 'ProjectPagedList').required).toEqual(PAGED_REQUIRED);
  });
});

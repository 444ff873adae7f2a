/** The simulated TSS over real HTTP: auth variants, tenancy, test definitions, case search, one case, audit log. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSim, type Sim, type SimCase } from '../../sim/index.js';
import { basic, mintToken, tss, tssJson } from './sim-helpers.js';

interface Page<T = SimCase> {
  content: T[];
  totalElements: number;
  totalPages: number;
  number: number;
  size: number;
  numberOfElements: number;
  first: boolean;
  last: boolean;
  empty: boolean;
  sort: Record<string, unknown>;
  pageable: { pageNumber: number; pageSize: number; offset: number };
}

let sim: Sim;

beforeAll(async () => {
  // Pinned to a day: the audit assertions below name dates.
  sim = await startSim({ cases: 1234, dataEnd: '2025-06-01' });
});
afterAll(async () => {
  await sim.close();
});

describe('TSS authentication', () => {
  it.each(['ApiKey', 'apikey', 'APIKEY', 'apiKey'])('accepts Authorization: %s <key>', async (scheme) => {
    const res = await tss(sim, '/tms/api/v1/testDefinitions', { Authorization: `${scheme} ${sim.demo.apiKey}` });
    expect(res.status).toBe(200);
  });

  it('accepts X-Auth-Token alone', async () => {
    const res = await fetch(`${sim.tssBaseUrl}/tms/api/v1/testDefinitions`, {
      headers: { 'X-Auth-Token': `ApiKey ${sim.demo.apiKey}`, 'X-ILMN-Domain': sim.demo.domain },
    });
    expect(res.status).toBe(200);
  });

  it('accepts a Bearer JWT from the sim ICA for that tenant, key- or Basic-minted', async () => {
    for (const token of [await mintToken(sim), await mintToken(sim, { Authorization: basic(sim.demo.username, sim.demo.password) })]) {
      const res = await tss(sim, '/crs/api/v2/cases/search', { Authorization: `Bearer ${token}` });
      expect(res.status).toBe(200);
    }
  });

  it('refuses a Bearer JWT of another tenant, a tampered one and an expired one', async () => {
    const partnerToken = await mintToken(sim, { 'X-API-Key': sim.demo.partner.apiKey });
    expect((await tss(sim, '/crs/api/v2/cases/search', { Authorization: `Bearer ${partnerToken}` })).status).toBe(401);
    const demoToken = await mintToken(sim);
    expect((await tss(sim, '/crs/api/v2/cases/search', { Authorization: `Bearer ${demoToken.slice(0, -4)}AAAA` })).status).toBe(401);
    sim.setTokenLifetime(1);
    const short = await mintToken(sim);
    sim.setTokenLifetime(3600);
    sim.setClockSkew(5);
    try {
      expect((await tss(sim, '/crs/api/v2/cases/search', { Authorization: `Bearer ${short}` })).status).toBe(401);
    } finally {
      sim.setClockSkew(0);
    }
  });

  it('refuses a key of another tenant with 401 and a JSON {code, message, details} error', async () => {
    const res = await tss(sim, '/crs/api/v2/cases/search', { Authorization: `ApiKey ${sim.demo.partner.apiKey}` });
    expect(res.status).toBe(401);
    const body = (await res.json()) as Record<string, unknown>;
    expect(typeof body.code).toBe('string');
    expect(typeof body.message).toBe('string');
    expect(Array.isArray(body.details)).toBe(true);
  });

  it('refuses missing credentials and unknown schemes', async () => {
    const none = await fetch(`${sim.tssBaseUrl}/crs/api/v2/cases/search`, { headers: { 'X-ILMN-Domain': sim.demo.domain } });
    expect(none.status).toBe(401);
    expect((await tss(sim, '/crs/api/v2/cases/search', { Authorization: basic(sim.demo.username, sim.demo.password) })).status).toBe(401);
  });

  it('answers an unknown or missing domain with a JSON error', async () => {
    const unknown = await tss(sim, '/tms/api/v1/testDefinitions', { 'X-ILMN-Domain': 'no-such-lab' });
    expect([401, 404]).toContain(unknown.status);
    expect(((await unknown.json()) as { code: string }).code).toBeTruthy();
    const missing = await fetch(`${sim.tssBaseUrl}/tms/api/v1/testDefinitions`, { headers: { Authorization: `ApiKey ${sim.demo.apiKey}` } });
    expect(missing.status).toBeGreaterThanOrEqual(400);
  });

  it('treats the domain header case-insensitively', async () => {
    expect((await tss(sim, '/tms/api/v1/testDefinitions', { 'X-ILMN-Domain': 'Demo-Lab' })).status).toBe(200);
  });

  it('checks X-ILMN-Workgroup when present', async () => {
    expect((await tss(sim, '/tms/api/v1/testDefinitions', { 'X-ILMN-Workgroup': sim.demo.workgroup })).status).toBe(200);
    expect((await tss(sim, '/tms/api/v1/testDefinitions', { 'X-ILMN-Workgroup': 'not-a-workgroup' })).status).toBe(403);
    expect((await tss(sim, '/tms/api/v1/testDefinitions', { 'X-ILMN-Workgroup': sim.demo.partner.workgroup })).status).toBe(403);
  });

  it('answers 401 for a revoked key and 403 for a forbidden key', async () => {
    const a = sim.createApiKey('demo-lab');
    const b = sim.createApiKey('demo-lab');
    expect((await tss(sim, '/tms/api/v1/testDefinitions', { Authorization: `ApiKey ${a}` })).status).toBe(200);
    sim.revokeKey(a);
    sim.forbidKey(b);
    expect((await tss(sim, '/tms/api/v1/testDefinitions', { Authorization: `ApiKey ${a}` })).status).toBe(401);
    expect((await tss(sim, '/tms/api/v1/testDefinitions', { Authorization: `ApiKey ${b}` })).status).toBe(403);
  });

  it('needs the Authorization header (not only X-Auth-Token) for the audit log', async () => {
    const res = await fetch(`${sim.tssBaseUrl}/als/api/v1/auditlogs/search`, {
      headers: { 'X-Auth-Token': `ApiKey ${sim.demo.apiKey}`, 'X-ILMN-Domain': sim.demo.domain },
    });
    expect(res.status).toBe(401);
  });
});

describe('test definitions', () => {
  it('lists about a dozen definitions with id, name, version, type and reports', async () => {
    const { items } = await tssJson<{ items: Array<Record<string, unknown>> }>(sim, '/tms/api/v1/testDefinitions');
    expect(items.length).toBeGreaterThanOrEqual(10);
    expect(items.map((i) => i.name)).toEqual(expect.arrayContaining(['TruSight Oncology 500', 'Rare Disease Trio WGS']));
    for (const item of items) {
      expect(item).toMatchObject({ id: expect.any(String), name: expect.any(String), version: expect.any(String), type: expect.any(String) });
      expect((item.reports as Array<{ id: string }>).every((r) => typeof r.id === 'string')).toBe(true);
    }
    expect(items).toEqual(sim.data.testDefinitions());
  });

  it('differ between tenants', async () => {
    const demo = await tssJson<{ items: Array<{ id: string }> }>(sim, '/tms/api/v1/testDefinitions');
    const partner = await tssJson<{ items: Array<{ id: string }> }>(sim, '/tms/api/v1/testDefinitions', {
      Authorization: `ApiKey ${sim.demo.partner.apiKey}`,
      'X-ILMN-Domain': sim.demo.partner.domain,
    });
    expect(partner.items.some((p) => demo.items.some((d) => d.id === p.id))).toBe(false);
  });
});

describe('case search', () => {
  it('returns a Spring page envelope with 0-based paging and a default size of 20', async () => {
    const page = await tssJson<Page>(sim, '/crs/api/v2/cases/search');
    expect(page).toMatchObject({ totalElements: 1234, totalPages: 62, number: 0, size: 20, numberOfElements: 20, first: true, last: false, empty: false });
    expect(page.content).toHaveLength(20);
    expect(page.pageable).toMatchObject({ pageNumber: 0, pageSize: 20, offset: 0 });
    expect(page.sort).toBeTypeOf('object');
  });

  it('computes last, numberOfElements and empty at the end and past it', async () => {
    const last = await tssJson<Page>(sim, '/crs/api/v2/cases/search?pageNumber=12&pageSize=100');
    expect(last).toMatchObject({ number: 12, size: 100, numberOfElements: 34, first: false, last: true, empty: false, totalPages: 13 });
    const past = await tssJson<Page>(sim, '/crs/api/v2/cases/search?pageNumber=13&pageSize=100');
    expect(past).toMatchObject({ numberOfElements: 0, empty: true, last: true, totalElements: 1234 });
    expect(past.content).toEqual([]);
  });

  it('caps the page size at 1000', async () => {
    const page = await tssJson<Page>(sim, '/crs/api/v2/cases/search?pageSize=5000');
    expect(page.size).toBe(1000);
    expect(page.content).toHaveLength(1000);
    expect(page.totalPages).toBe(2);
  });

  it('rejects negative or non-numeric paging with 400', async () => {
    for (const q of ['pageNumber=-1', 'pageSize=0', 'pageSize=abc', 'pageNumber=1.5']) {
      const res = await tss(sim, `/crs/api/v2/cases/search?${q}`);
      expect(res.status, q).toBe(400);
      expect(((await res.json()) as { code: string }).code).toBe('INVALID_PARAMETER');
    }
  });

  it('pages through every case exactly once, in a stable createdDate order, on v1 and v2 alike', async () => {
    const seen: SimCase[] = [];
    for (let p = 0; ; p++) {
      const page = await tssJson<Page>(sim, `/crs/api/v2/cases/search?pageNumber=${p}&pageSize=300`);
      seen.push(...page.content);
      if (page.last) break;
    }
    expect(seen).toHaveLength(1234);
    expect(new Set(seen.map((c) => c.id)).size).toBe(1234);
    const created = seen.map((c) => Date.parse(c.createdDate));
    expect(created.every((t, i) => i === 0 || t >= (created[i - 1] ?? 0))).toBe(true);
    const v1 = await tssJson<Page>(sim, '/crs/api/v1/cases/search?pageNumber=1&pageSize=300');
    expect(v1.content.map((c) => c.id)).toEqual(seen.slice(300, 600).map((c) => c.id));
  });

  it('leaves patient identifiers out of search results', async () => {
    const page = await tssJson<Page>(sim, '/crs/api/v2/cases/search?pageSize=200');
    const text = JSON.stringify(page);
    expect(text).not.toMatch(/MRN-\d{7}/);
    expect(text).not.toMatch(/"(firstName|lastName|mrn|dateOfBirth)"/);
    const c = page.content[0];
    expect(c).toMatchObject({ id: expect.any(String), displayId: expect.stringMatching(/^CASE-\d{6}$/), status: expect.any(String), subState: expect.any(String) });
    expect(c?.caseSubjects[0]?.samples[0]).toMatchObject({ id: expect.any(String), externalSampleId: expect.any(String), externalSampleName: expect.any(String) });
    expect(c?.testDefinition).toMatchObject({ id: expect.any(String), name: expect.any(String), type: expect.any(String) });
  });

  describe('filters', () => {
    let all: SimCase[];
    beforeAll(() => {
      all = sim.data.cases();
    });
    const ids = async (query: string): Promise<string[]> => {
      const page = await tssJson<Page>(sim, `/crs/api/v2/cases/search?pageSize=1000&${query}`);
      expect(page.totalElements).toBe(page.content.length);
      return page.content.map((c) => c.id);
    };
    const expected = (pred: (c: SimCase) => boolean): string[] => all.filter(pred).map((c) => c.id);

    it('displayId (partial, case-insensitive)', async () => {
      expect(await ids('displayId=case-00012')).toEqual(expected((c) => c.displayId.includes('CASE-00012')));
      expect(await ids('displayId=CASE-000777')).toHaveLength(1);
    });

    it('id (partial)', async () => {
      const target = all[500];
      expect(await ids(`id=${target?.id}`)).toEqual([target?.id]);
      expect(await ids(`id=${target?.id.slice(0, 8)}`)).toContain(target?.id);
    });

    it('testDefinitionId (partial)', async () => {
      const def = sim.data.testDefinitions()[4];
      expect(def).toBeDefined();
      const want = expected((c) => c.testDefinition.id === def?.id);
      expect(want.length).toBeGreaterThan(0);
      expect(await ids(`testDefinitionId=${def?.id}`)).toEqual(want);
      expect(await ids(`testDefinitionId=${def?.id.slice(0, 13)}`)).toEqual(want);
    });

    it('lastname (partial, case-insensitive) and mrn (exact)', async () => {
      const subject = all[321]?.caseSubjects[0]?.subject;
      expect(subject?.lastName).toBeTruthy();
      const last = subject?.lastName ?? '';
      expect(await ids(`lastname=${encodeURIComponent(last.toLowerCase())}`)).toEqual(
        expected((c) => c.caseSubjects.some((s) => (s.subject.lastName ?? '').toLowerCase().includes(last.toLowerCase()))),
      );
      const mrn = subject?.mrn ?? '';
      expect(await ids(`mrn=${mrn}`)).toEqual(expected((c) => c.caseSubjects.some((s) => s.subject.mrn === mrn)));
      expect(await ids(`mrn=${mrn.slice(0, -1)}`)).toEqual([]);
    });

    it('status and subState (exact)', async () => {
      expect(await ids('status=In%20Progress')).toEqual(expected((c) => c.status === 'In Progress'));
      expect(await ids('subState=DELIVERED')).toEqual(expected((c) => c.subState === 'DELIVERED'));
      expect(await ids('status=Complete&subState=CLOSED')).toEqual(expected((c) => c.status === 'Complete' && c.subState === 'CLOSED'));
    });

    it('tags (repeatable: a case must carry every tag)', async () => {
      expect(await ids('tags=urgent')).toEqual(expected((c) => c.tags.includes('urgent')));
      const both = await ids('tags=urgent&tags=research');
      expect(both).toEqual(expected((c) => c.tags.includes('urgent') && c.tags.includes('research')));
    });

    it('externalSampleId and externalSampleName (partial)', async () => {
      const sample = all[42]?.caseSubjects[0]?.samples[0];
      expect(await ids(`externalSampleId=${sample?.externalSampleId}`)).toEqual([all[42]?.id]);
      expect(await ids(`externalSampleName=${sample?.externalSampleName}`)).toEqual([all[42]?.id]);
    });

    it('uses a realistic mix of statuses and only known subStates', () => {
      const counts = new Map<string, number>();
      for (const c of all) counts.set(c.status, (counts.get(c.status) ?? 0) + 1);
      for (const s of ['Draft', 'New', 'In Progress', 'Complete', 'Canceled', 'Deletion']) expect(counts.get(s), s).toBeGreaterThan(0);
      expect(counts.get('Complete') ?? 0).toBeGreaterThan(all.length / 3);
    });
  });

  it('can switch off v2 (404) so clients exercise the v1 fallback', async () => {
    const v1Only = await startSim({ cases: 30, caseSearchVersions: ['v1'] });
    try {
      const v2 = await tss(v1Only, '/crs/api/v2/cases/search');
      expect(v2.status).toBe(404);
      expect(((await v2.json()) as { code: string }).code).toBe('NOT_FOUND');
      expect((await tss(v1Only, '/crs/api/v1/cases/search')).status).toBe(200);
      v1Only.setCaseSearchVersions(['v2']);
      expect((await tss(v1Only, '/crs/api/v1/cases/search')).status).toBe(404);
      expect((await tss(v1Only, '/crs/api/v2/cases/search')).status).toBe(200);
    } finally {
      await v1Only.close();
    }
  });

  it('keeps tenants apart', async () => {
    const partner = await tssJson<Page>(sim, '/crs/api/v2/cases/search?pageSize=1000', {
      Authorization: `ApiKey ${sim.demo.partner.apiKey}`,
      'X-ILMN-Domain': sim.demo.partner.domain,
    });
    expect(partner.totalElements).toBe(36);
    expect(partner.content.every((c) => c.displayId.startsWith('PL-'))).toBe(true);
    const demoIds = new Set(sim.data.cases().map((c) => c.id));
    expect(partner.content.some((c) => demoIds.has(c.id))).toBe(false);
  });
});

describe('one case', () => {
  it('includes patient identifiers only with directIdentifiers=true', async () => {
    const target = sim.data.cases()[7];
    const withIds = await tssJson<SimCase>(sim, `/crs/api/v1/cases/${target?.id}?directIdentifiers=true`);
    expect(withIds).toEqual(target);
    const subject = withIds.caseSubjects[0]?.subject;
    expect(subject?.mrn).toMatch(/^MRN-\d{7}$/);
    expect(subject?.dateOfBirth).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    for (const q of ['?directIdentifiers=false', '']) {
      const without = await tssJson<SimCase>(sim, `/crs/api/v1/cases/${target?.id}${q}`);
      expect(JSON.stringify(without)).not.toMatch(/"(firstName|lastName|mrn|dateOfBirth)"/);
      expect(without.id).toBe(target?.id);
      expect(without.caseSubjects).toHaveLength(target?.caseSubjects.length ?? -1);
    }
  });

  it('answers 404 with a JSON error for an unknown id and for another tenant\'s case', async () => {
    const res = await tss(sim, '/crs/api/v1/cases/00000000-0000-4000-8000-000000000000');
    expect(res.status).toBe(404);
    expect(((await res.json()) as { code: string }).code).toBe('CASE_NOT_FOUND');
    const partnerCase = sim.data.cases('partner-lab')[0];
    expect((await tss(sim, `/crs/api/v1/cases/${partnerCase?.id}`)).status).toBe(404);
  });

  it('rejects a directIdentifiers value other than true or false', async () => {
    const id = sim.data.cases()[0]?.id;
    expect((await tss(sim, `/crs/api/v1/cases/${id}?directIdentifiers=yes`)).status).toBe(400);
  });
});

describe('audit log', () => {
  interface Event {
    id: string;
    createdDate: string;
    userName: string;
    eventName: string;
    entityType: string;
    entityId: string;
    caseId: string;
  }

  it('pages events in createdDate order, both directions, with the envelope', async () => {
    const asc = await tssJson<Page<Event>>(sim, '/als/api/v1/auditlogs/search?pageSize=50&orderBy=%2BcreatedDate');
    expect(asc.totalElements).toBeGreaterThan(1234);
    expect(asc.content).toHaveLength(50);
    const t = asc.content.map((e) => Date.parse(e.createdDate));
    expect(t.every((v, i) => i === 0 || v >= (t[i - 1] ?? 0))).toBe(true);
    const desc = await tssJson<Page<Event>>(sim, '/als/api/v1/auditlogs/search?pageSize=50&orderBy=-createdDate');
    const d = desc.content.map((e) => Date.parse(e.createdDate));
    expect(d.every((v, i) => i === 0 || v <= (d[i - 1] ?? Infinity))).toBe(true);
    expect(desc.totalElements).toBe(asc.totalElements);
  });

  it('filters by date window in the +0000 format', async () => {
    const from = '2024-01-01T00:00:00+0000';
    const to = '2024-02-01T00:00:00+0000';
    const page = await tssJson<Page<Event>>(sim, `/als/api/v1/auditlogs/search?pageSize=1000&fromDate=${encodeURIComponent(from)}&toDate=${encodeURIComponent(to)}`);
    expect(page.totalElements).toBeGreaterThan(0);
    for (const e of page.content) {
      expect(Date.parse(e.createdDate)).toBeGreaterThanOrEqual(Date.parse('2024-01-01T00:00:00Z'));
      expect(Date.parse(e.createdDate)).toBeLessThanOrEqual(Date.parse('2024-02-01T00:00:00Z'));
    }
    expect((await tss(sim, '/als/api/v1/auditlogs/search?fromDate=yesterday')).status).toBe(400);
  });

  it('filters by caseId, entityId, entityType (repeatable), eventName and userName', async () => {
    const target = sim.data.cases()[100];
    const byCase = await tssJson<Page<Event>>(sim, `/als/api/v1/auditlogs/search?caseId=${target?.id}`);
    expect(byCase.totalElements).toBeGreaterThanOrEqual(1);
    expect(byCase.content.every((e) => e.caseId === target?.id)).toBe(true);
    const byEntity = await tssJson<Page<Event>>(sim, `/als/api/v1/auditlogs/search?entityId=${target?.id}&entityType=CASE`);
    expect(byEntity.content.every((e) => e.entityId === target?.id && e.entityType === 'CASE')).toBe(true);
    const types = await tssJson<Page<Event>>(sim, '/als/api/v1/auditlogs/search?pageSize=1000&entityType=CASE&entityType=SAMPLE');
    expect(new Set(types.content.map((e) => e.entityType))).toEqual(new Set(['CASE', 'SAMPLE']));
    const created = await tssJson<Page<Event>>(sim, '/als/api/v1/auditlogs/search?eventName=CASE_CREATED');
    expect(created.totalElements).toBe(1234);
    const user = sim.tenants[0]?.users[0]?.email ?? '';
    const byUser = await tssJson<Page<Event>>(sim, `/als/api/v1/auditlogs/search?pageSize=1000&userName=${encodeURIComponent(user)}`);
    expect(byUser.totalElements).toBeGreaterThan(0);
    expect(byUser.content.every((e) => e.userName === user)).toBe(true);
  });

  it('is deterministic', async () => {
    const a = await tssJson<Page<Event>>(sim, '/als/api/v1/auditlogs/search?pageSize=20&pageNumber=3');
    const b = await tssJson<Page<Event>>(sim, '/als/api/v1/auditlogs/search?pageSize=20&pageNumber=3');
    expect(a).toEqual(b);
  });
});

describe('routing', () => {
  it('answers unknown TSS paths with a JSON 404 and ICA paths with a Problem 404', async () => {
    const tssMissing = await tss(sim, '/crs/api/v9/whatever');
    expect(tssMissing.status).toBe(404);
    expect(((await tssMissing.json()) as { code: string }).code).toBe('NOT_FOUND');
    const icaMissing = await fetch(`${sim.icaBaseUrl}/api/no-such-endpoint`);
    expect(icaMissing.status).toBe(404);
    expect(icaMissing.headers.get('content-type')).toBe('application/problem+json');
  });

  it('answers a wrong method with 405', async () => {
    expect((await tss(sim, '/crs/api/v2/cases/search', {}, { method: 'POST' })).status).toBe(405);
    expect((await fetch(`${sim.icaBaseUrl}/api/tokens`)).status).toBe(405);
  });
});

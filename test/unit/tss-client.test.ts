/**
 * The TSS client over a fake HTTP layer: credentials and headers, the v2→v1 search
 * fallback and its memory, page validation (tolerant of unknown fields and statuses,
 * strict about ids, dates and page numbers), the Bearer retry after a 401, single
 * case reads, display-id lookup, test definitions and the audit log's long timeout.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'zod/mini';
import { TesseraError } from '../../src-core/errors.js';
import { createHttp, type Http, type RequestSpec } from '../../src-core/http/request.js';
import { auditDate, createTssClient, type TssClientOptions, type TssCredential } from '../../src-core/tss/client.js';

const BASE = 'https://demo-lab.trusight.illumina.com';
const KEY = 'tss-unit-api-key-000000042';

function kase(i: number, extra: Record<string, unknown> = {}) {
  return { id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, displayId: `CASE-${i}`, status: 'New', createdDate: '2024-01-01T00:00:00.000Z', ...extra };
}

function page(number: number, content: unknown[], totalElements = 3, totalPages = 2) {
  return { content, totalElements, totalPages, number, size: 1000, first: number === 0, last: number === totalPages - 1, empty: content.length === 0, sort: {}, pageable: {} };
}

type Handler = (url: URL, headers: Headers) => { status: number; body?: unknown; headers?: Record<string, string> };

/** The real HTTP helper over a fake fetch: what the client sends is what a server would see. */
function fakeServer(handler: Handler) {
  const seen: { url: URL; headers: Headers }[] = [];
  const http = createHttp({
    fetch: async (input, init) => {
      const url = new URL(String(input));
      const headers = new Headers(init?.headers);
      seen.push({ url, headers });
      const r = handler(url, headers);
      const body = typeof r.body === 'string' ? r.body : JSON.stringify(r.body ?? {});
      return new Response(body, { status: r.status, headers: { 'content-type': 'application/json', ...r.headers } });
    },
    sleep: async () => undefined,
  });
  return { http, seen };
}

function client(http: Http, over: Partial<TssClientOptions> = {}) {
  const versions: string[] = [];
  const forced: boolean[] = [];
  const c = createTssClient({
    http,
    baseUrl: `${BASE}/`,
    domain: 'demo-lab',
    credential: async (o) => {
      forced.push(Boolean(o?.force));
      return { kind: 'api-key', apiKey: KEY } as TssCredential;
    },
    onSearchVersion: (v) => void versions.push(v),
    ...over,
  });
  return { c, versions, forced };
}

describe('headers', () => {
  it('sends the API key as ApiKey in Authorization and X-Auth-Token, the domain, and the workgroup when set', async () => {
    const { http, seen } = fakeServer(() => ({ status: 200, body: { items: [] } }));
    await client(http, { workgroup: 'wg-1' }).c.testDefinitions();
    const h = seen[0]!.headers;
    expect(seen[0]!.url.href).toBe(`${BASE}/tms/api/v1/testDefinitions`);
    expect(h.get('authorization')).toBe(`ApiKey ${KEY}`);
    expect(h.get('x-auth-token')).toBe(`ApiKey ${KEY}`);
    expect(h.get('x-ilmn-domain')).toBe('demo-lab');
    expect(h.get('x-ilmn-workgroup')).toBe('wg-1');
    expect(h.get('accept')).toBe('application/json');

    await client(http).c.testDefinitions();
    expect(seen[1]!.headers.has('x-ilmn-workgroup')).toBe(false);
  });

  it('sends a Bearer token for Basic profiles, and asks for a fresh one once after a 401', async () => {
    let n = 0;
    const { http, seen } = fakeServer((_u, h) => (h.get('authorization') === 'Bearer fresh' ? { status: 200, body: { items: [] } } : { status: 401, body: { code: 'UNAUTHORIZED' } }));
    const forced: boolean[] = [];
    const c = createTssClient({
      http,
      baseUrl: BASE,
      domain: 'demo-lab',
      credential: async (o) => {
        forced.push(Boolean(o?.force));
        return { kind: 'bearer', token: n++ === 0 ? 'stale' : 'fresh' };
      },
    });
    await expect(c.testDefinitions()).resolves.toEqual([]);
    expect(forced).toEqual([false, true]);
    expect(seen.map((s) => s.headers.get('authorization'))).toEqual(['Bearer stale', 'Bearer fresh']);
    expect(seen.some((s) => s.headers.has('x-auth-token'))).toBe(false);

    const { http: always401 } = fakeServer(() => ({ status: 401, body: { code: 'UNAUTHORIZED', message: 'no' } }));
    const d = createTssClient({ http: always401, baseUrl: BASE, domain: 'demo-lab', credential: async () => ({ kind: 'bearer', token: 'x' }) });
    await expect(d.testDefinitions()).rejects.toMatchObject({ code: 'CREDENTIALS_REJECTED', status: 401 });
  });

  it('does not retry a 401 for an API key (the key is simply rejected)', async () => {
    const { http, seen } = fakeServer(() => ({ status: 401, body: {} }));
    const { c, forced } = client(http);
    await expect(c.testDefinitions()).rejects.toMatchObject({ code: 'CREDENTIALS_REJECTED' });
    expect(seen).toHaveLength(1);
    expect(forced).toEqual([false]);
  });
});

describe('case search', () => {
  it('uses v2, falls back to v1 on 404, remembers it, and switches back if v1 disappears', async () => {
    let v2 = false;
    const { http, seen } = fakeServer((u) => {
      const version = u.pathname.includes('/v2/') ? 'v2' : 'v1';
      if (version === 'v2' && !v2) return { status: 404, body: { code: 'NOT_FOUND' } };
      if (version === 'v1' && v2) return { status: 404, body: {} };
      return { status: 200, body: page(Number(u.searchParams.get('pageNumber')), [kase(1)]) };
    });
    const { c, versions } = client(http);
    await c.searchCases({ pageNumber: 0, pageSize: 1000 });
    expect(seen.map((s) => s.url.pathname)).toEqual(['/crs/api/v2/cases/search', '/crs/api/v1/cases/search']);
    expect(versions).toEqual(['v1']);
    expect(seen[1]!.url.searchParams.get('pageSize')).toBe('1000');
    expect(seen[1]!.url.searchParams.get('pageNumber')).toBe('0');

    await c.searchCases({ pageNumber: 1, pageSize: 1000 });
    expect(seen[2]!.url.pathname).toBe('/crs/api/v1/cases/search');
    expect(versions).toEqual(['v1']);

    v2 = true;
    await c.searchCases({ pageNumber: 1, pageSize: 1000 });
    expect(versions).toEqual(['v1', 'v2']);
    expect(c.searchVersion).toBe('v2');
  });

  it('starts with the remembered version', async () => {
    const { http, seen } = fakeServer((u) => ({ status: 200, body: page(Number(u.searchParams.get('pageNumber')), []) }));
    const { c, versions } = client(http, { searchVersion: 'v1' });
    await c.searchCases({ pageNumber: 0, pageSize: 10 });
    expect(seen[0]!.url.pathname).toBe('/crs/api/v1/cases/search');
    expect(versions).toEqual([]);
  });

  it('when both versions answer 404, reports the first', async () => {
    const { http } = fakeServer(() => ({ status: 404, body: { code: 'NOPE' } }));
    await expect(client(http).c.searchCases({ pageNumber: 0, pageSize: 10 })).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/v2\/cases\/search/) });
  });

  it('accepts unknown fields and status values', async () => {
    const odd = kase(1, { status: 'Quarantined', subState: 'SOMETHING_NEW', brandNew: { x: 1 }, tags: ['a', { name: 'b' }], testDefinition: { id: 't', extra: true } });
    const { http } = fakeServer(() => ({ status: 200, body: { ...page(0, [odd], 1, 1), surprise: [1, 2] } }));
    const p = await client(http).c.searchCases({ pageNumber: 0, pageSize: 10 });
    expect(p.content[0]).toMatchObject({ status: 'Quarantined', brandNew: { x: 1 } });
  });

  it.each([
    ['an empty id', page(0, [kase(1, { id: '' })]), /content\.0\.id/],
    ['a numeric id', page(0, [kase(1, { id: 42 })]), /content\.0\.id/],
    ['a date that is not a date', page(0, [kase(1, { updatedDate: 'last Tuesday' })]), /content\.0\.updatedDate/],
    ['a negative page count', { ...page(0, []), totalPages: -1 }, /totalPages/],
    ['a fractional page number', { ...page(0, []), number: 0.5 }, /number/],
    ['no content array', { totalElements: 0, totalPages: 0, number: 0, size: 10 }, /content/],
  ])('refuses a page with %s, naming the endpoint and page', async (_label, body, where) => {
    const { http } = fakeServer(() => ({ status: 200, body }));
    const err = await client(http).c.searchCases({ pageNumber: 0, pageSize: 10 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TesseraError);
    expect((err as TesseraError).code).toBe('MALFORMED_RESPONSE');
    expect((err as TesseraError).message).toMatch(/^GET https:\/\/demo-lab\.trusight\.illumina\.com\/crs\/api\/v2\/cases\/search /);
    expect((err as TesseraError).message).toMatch(where);
    expect((err as TesseraError).message).toMatch(/page 0\)$/);
  });

  it('refuses a body that is not JSON, and a page other than the one asked for', async () => {
    const { http } = fakeServer(() => ({ status: 200, body: '{"content": [' }));
    await expect(client(http).c.searchCases({ pageNumber: 3, pageSize: 10 })).rejects.toMatchObject({ code: 'MALFORMED_RESPONSE', message: expect.stringMatching(/not valid JSON.*page 3/) });
    const { http: wrongPage } = fakeServer(() => ({ status: 200, body: page(0, []) }));
    await expect(client(wrongPage).c.searchCases({ pageNumber: 2, pageSize: 10 })).rejects.toMatchObject({
      code: 'MALFORMED_RESPONSE',
      message: expect.stringMatching(/returned page 0 when page 2 was asked for/),
    });
  });

  it('finds a case id by exact display id among partial matches', async () => {
    const { http, seen } = fakeServer(() => ({ status: 200, body: page(0, [kase(10, { displayId: 'CASE-10' }), kase(1, { displayId: 'CASE-1' })], 2, 1) }));
    const { c } = client(http);
    expect(await c.findCaseId('case-1')).toBe(kase(1).id);
    expect(seen[0]!.url.searchParams.get('displayId')).toBe('case-1');
    expect(await c.findCaseId('CASE-2')).toBeNull();
  });
});

describe('single case, tests and audit', () => {
  it('reads one case with directIdentifiers as asked', async () => {
    const { http, seen } = fakeServer(() => ({ status: 200, body: kase(5) }));
    const { c } = client(http);
    await c.getCase('a/b', true);
    await c.getCase(kase(5).id, false);
    expect(seen[0]!.url.pathname).toBe('/crs/api/v1/cases/a%2Fb');
    expect(seen[0]!.url.searchParams.get('directIdentifiers')).toBe('true');
    expect(seen[1]!.url.searchParams.get('directIdentifiers')).toBe('false');
  });

  it('accepts test definitions as {items} or a Spring page', async () => {
    const t = { id: 't1', name: 'Panel', version: 2, reports: [{ id: 'r1' }] };
    const a = fakeServer(() => ({ status: 200, body: { items: [t] } }));
    const b = fakeServer(() => ({ status: 200, body: { content: [t], totalElements: 1 } }));
    expect(await client(a.http).c.testDefinitions()).toEqual([t]);
    expect(await client(b.http).c.testDefinitions()).toEqual([t]);
  });

  it('asks the audit log for a date window with a long timeout', async () => {
    const specs: RequestSpec<unknown>[] = [];
    const http = (async (spec: RequestSpec<unknown>) => {
      specs.push(spec);
      return { status: 200, headers: new Headers(), body: parse(spec.schema!, page(0, [{ id: 'e1', createdDate: '2024-01-01T00:00:00+0000' }], 1, 1)), url: new URL(BASE), attempts: 1, sentAt: 0, receivedAt: 0, serverDate: undefined };
    }) as Http;
    const { c } = client(http, { timeoutMs: 5_000 });
    const from = new Date('2024-05-01T10:00:00.000Z');
    await c.auditLogs({ fromDate: from, toDate: new Date('2024-05-02T10:00:00.000Z'), pageNumber: 0, pageSize: 500 });
    expect(specs[0]!.url).toBe(`${BASE}/als/api/v1/auditlogs/search`);
    expect(specs[0]!.query).toMatchObject({ fromDate: '2024-05-01T10:00:00+0000', toDate: '2024-05-02T10:00:00+0000', orderBy: '+createdDate', pageSize: 500 });
    expect(specs[0]!.timeoutMs).toBeGreaterThanOrEqual(300_000);
    expect(auditDate(from)).toBe('2024-05-01T10:00:00+0000');

    await c.testDefinitions().catch(() => undefined);
    expect(specs[1]!.timeoutMs).toBe(5_000);
  });
});

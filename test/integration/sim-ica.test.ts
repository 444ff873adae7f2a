/** The simulated ICA token service over real HTTP: minting, refresh, claims, errors, clock skew. */
import { readFileSync } from 'node:fs';
import { createRemoteJWKSet, jwtVerify, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSim, type Sim } from '../../sim/index.js';
import {
  ICA_ACCEPT,
  OPENAPI_PATH,
  basic,
  claimsOf,
  mint,
  mintToken,
  problemSchema,
  problemSchemaFromOpenApi,
  problemViolations,
} from './sim-helpers.js';

let sim: Sim;
const issued: string[] = [];

beforeAll(async () => {
  sim = await startSim({ cases: 50, onSecretIssued: (s) => issued.push(s) });
});
afterAll(async () => {
  await sim.close();
});

function refresh(token: string, accept = ICA_ACCEPT): Promise<Response> {
  return fetch(`${sim.icaBaseUrl}/api/tokens:refresh`, { method: 'POST', headers: { Accept: accept, Authorization: `Bearer ${token}` } });
}

describe('POST /api/tokens', () => {
  it('mints a JWT from an API key with the v3 media type', async () => {
    const before = sim.mintCount();
    const res = await mint(sim, { 'X-API-Key': sim.demo.apiKey });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(ICA_ACCEPT);
    const body = (await res.json()) as { token: string };
    expect(body.token.split('.')).toHaveLength(3);
    expect(claimsOf(body.token).gty).toBe('api_key');
    expect(sim.mintCount()).toBe(before + 1);
  });

  it('mints from Basic credentials of a single-tenant user, with or without ?tenant=', async () => {
    const a = await mint(sim, { Authorization: basic(sim.demo.username, sim.demo.password) });
    expect(a.status).toBe(200);
    const b = await mint(sim, { Authorization: basic(sim.demo.username, sim.demo.password) }, `?tenant=${sim.demo.domain}`);
    expect(b.status).toBe(200);
    const claims = claimsOf(((await b.json()) as { token: string }).token);
    expect(claims.gty).toBe('password');
    expect(Buffer.from(String(claims.tid), 'base64').toString()).toMatch(new RegExp(`:${sim.demo.tenantId}$`));
  });

  it('needs ?tenant= for a user of several tenants, and mints for the one named', async () => {
    const u = sim.demo.multiTenantUser;
    expect(u.domains).toEqual(['demo-lab', 'partner-lab']);
    const ambiguous = await mint(sim, { Authorization: basic(u.email, u.password) });
    expect(ambiguous.status).toBe(400);
    expect(problemViolations(await ambiguous.json())).toEqual([]);
    for (const domain of u.domains) {
      const token = await mintToken(sim, { Authorization: basic(u.email, u.password) }, `?tenant=${domain}`);
      const tenantId = sim.tenants.find((t) => t.domain === domain)?.tenantId;
      expect(Buffer.from(String(claimsOf(token).tid), 'base64').toString().endsWith(`:${tenantId}`)).toBe(true);
    }
    const notMember = await mint(sim, { Authorization: basic(sim.demo.username, sim.demo.password) }, '?tenant=partner-lab');
    expect(notMember.status).toBe(401);
  });

  it('rejects a wrong password and a user without a password (SSO) with 401', async () => {
    expect((await mint(sim, { Authorization: basic(sim.demo.username, 'wrong') })).status).toBe(401);
    const sso = sim.tenants[0]?.users.find((u) => u.password === undefined);
    expect(sso).toBeDefined();
    expect((await mint(sim, { Authorization: basic(sso?.email ?? '', '') })).status).toBe(401);
  });

  it.each([
    ['missing', undefined],
    ['wrong', 'application/json'],
    ['wildcard', '*/*'],
  ])('answers 400 ICA_API_004 for a %s Accept header', async (_label, accept) => {
    const headers: Record<string, string> = { 'X-API-Key': sim.demo.apiKey };
    if (accept) headers.Accept = accept;
    const res = await fetch(`${sim.icaBaseUrl}/api/tokens`, { method: 'POST', headers: accept ? headers : { ...headers, Accept: '' } });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const body = (await res.json()) as Record<string, unknown>;
    expect(body.title).toBe('ICA_API_004');
    expect(body.status).toBe(400);
    expect(problemViolations(body)).toEqual([]);
  });

  it('accepts the v3 media type among others in Accept', async () => {
    const res = await fetch(`${sim.icaBaseUrl}/api/tokens`, {
      method: 'POST',
      headers: { 'X-API-Key': sim.demo.apiKey, Accept: `application/json, ${ICA_ACCEPT};q=0.9` },
    });
    expect(res.status).toBe(200);
  });

  it('answers 401 for an unknown key, 401 after revocation, 403 for a forbidden key, all as Problems', async () => {
    const unknown = await mint(sim, { 'X-API-Key': 'not-a-key' });
    expect(unknown.status).toBe(401);
    expect(problemViolations(await unknown.json())).toEqual([]);

    const doomed = sim.createApiKey('demo-lab');
    expect((await mint(sim, { 'X-API-Key': doomed })).status).toBe(200);
    sim.revokeKey(doomed);
    const revoked = await mint(sim, { 'X-API-Key': doomed });
    expect(revoked.status).toBe(401);
    expect(revoked.headers.get('content-type')).toBe('application/problem+json');

    const limited = sim.createApiKey('demo-lab');
    sim.forbidKey(limited);
    const forbidden = await mint(sim, { 'X-API-Key': limited });
    expect(forbidden.status).toBe(403);
    expect(problemViolations(await forbidden.json())).toEqual([]);
  });

  it('answers 401 without any credentials', async () => {
    expect((await mint(sim, {})).status).toBe(401);
  });

  it('counts only successful mints', async () => {
    const before = sim.mintCount();
    await mint(sim, { 'X-API-Key': 'nope' });
    await mintToken(sim);
    await mintToken(sim);
    expect(sim.mintCount()).toBe(before + 2);
  });
});

describe('JWT claims', () => {
  it('carries exp, iat, nbf, sub, aud with ica, tid, tns, gty, a kid, and verifies with the JWKS', async () => {
    const token = await mintToken(sim);
    const header = decodeProtectedHeader(token);
    expect(header.alg).toBe('RS256');
    expect(typeof header.kid).toBe('string');
    const jwks = createRemoteJWKSet(new URL(`${sim.url}/.well-known/jwks.json`));
    const { payload } = await jwtVerify(token, jwks, { algorithms: ['RS256'], audience: 'ica' });
    expect(payload.exp).toBeGreaterThan(payload.iat ?? Infinity);
    expect(payload.exp! - payload.iat!).toBe(3600);
    expect(payload.nbf).toBe(payload.iat);
    expect(typeof payload.sub).toBe('string');
    expect(payload.aud).toContain('ica');
    expect(Buffer.from(String(payload.tid), 'base64').toString()).toMatch(new RegExp(`:${sim.demo.tenantId}$`));
    expect(typeof payload.tns).toBe('string');
    expect(payload.gty).toBe('api_key');
  });

  it('follows setTokenLifetime', async () => {
    sim.setTokenLifetime(120);
    try {
      const c = claimsOf(await mintToken(sim));
      expect(Number(c.exp) - Number(c.iat)).toBe(120);
    } finally {
      sim.setTokenLifetime(3600);
    }
  });
});

describe('POST /api/tokens:refresh', () => {
  it('extends a Basic-minted token with a later exp', async () => {
    const token = await mintToken(sim, { Authorization: basic(sim.demo.username, sim.demo.password) });
    const before = sim.refreshCount();
    const res = await refresh(token);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(ICA_ACCEPT);
    const next = ((await res.json()) as { token: string }).token;
    expect(next).not.toBe(token);
    expect(Number(claimsOf(next).exp)).toBeGreaterThan(Number(claimsOf(token).exp));
    expect(claimsOf(next).sub).toBe(claimsOf(token).sub);
    expect(claimsOf(next).gty).toBe('password');
    expect(sim.refreshCount()).toBe(before + 1);
  });

  it('refuses a key-minted token with a Problem that says why', async () => {
    const res = await refresh(await mintToken(sim));
    expect([400, 403]).toContain(res.status);
    const body = (await res.json()) as Record<string, unknown>;
    expect(problemViolations(body)).toEqual([]);
    expect(String(body.detail)).toMatch(/API key/);
  });

  it('refuses an expired token, a forged token and a missing one', async () => {
    sim.setTokenLifetime(1);
    const shortLived = await mintToken(sim, { Authorization: basic(sim.demo.username, sim.demo.password) });
    sim.setTokenLifetime(3600);
    sim.setClockSkew(5);
    try {
      expect((await refresh(shortLived)).status).toBe(401);
    } finally {
      sim.setClockSkew(0);
    }
    const token = await mintToken(sim, { Authorization: basic(sim.demo.username, sim.demo.password) });
    const [h, p] = token.split('.');
    expect((await refresh(`${h}.${p}.AAAA`)).status).toBe(401);
    const none = await fetch(`${sim.icaBaseUrl}/api/tokens:refresh`, { method: 'POST', headers: { Accept: ICA_ACCEPT } });
    expect(none.status).toBe(401);
  });

  it('wants the v3 Accept header too', async () => {
    const token = await mintToken(sim, { Authorization: basic(sim.demo.username, sim.demo.password) });
    const res = await refresh(token, 'application/json');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { title: string }).title).toBe('ICA_API_004');
  });
});

describe('clock skew and Date', () => {
  it('puts a Date header on every response, including errors and 404s', async () => {
    for (const res of [await mint(sim, { 'X-API-Key': sim.demo.apiKey }), await mint(sim, {}), await fetch(`${sim.url}/nowhere`)]) {
      expect(res.headers.get('date')).toMatch(/GMT$/);
    }
  });

  it('moves Date, iat, nbf and exp by the configured skew', async () => {
    const skewed = await startSim({ cases: 5, clockSkewSeconds: 600 });
    try {
      const res = await mint(skewed, { 'X-API-Key': skewed.demo.apiKey });
      const serverDate = Date.parse(res.headers.get('date') ?? '');
      const now = Date.now();
      expect(Math.abs(serverDate - (now + 600_000))).toBeLessThan(3000);
      const c = claimsOf(((await res.json()) as { token: string }).token);
      expect(Math.abs(Number(c.iat) * 1000 - (now + 600_000))).toBeLessThan(3000);
      expect(Number(c.nbf)).toBe(Number(c.iat));
      skewed.setClockSkew(-300);
      const later = await mint(skewed, { 'X-API-Key': skewed.demo.apiKey });
      expect(Math.abs(Date.parse(later.headers.get('date') ?? '') - (Date.now() - 300_000))).toBeLessThan(3000);
    } finally {
      await skewed.close();
    }
  });
});

describe('Problem bodies', () => {
  it('match the Problem schema excerpt kept in the repository', async () => {
    const res = await mint(sim, { 'X-API-Key': 'unknown' });
    const body = (await res.json()) as Record<string, unknown>;
    expect(problemViolations(body)).toEqual([]);
    expect(body.instance).toBe(`${sim.url}/ica/rest/api/tokens`);
    const schema = problemSchema();
    expect(Object.keys(body).every((k) => k in schema.properties)).toBe(true);
  });

  it('and the excerpt matches the full public OpenAPI document', () => {
    const fromDoc = problemSchemaFromOpenApi(readFileSync(OPENAPI_PATH, 'utf8'));
    const excerpt = problemSchema();
    expect([...fromDoc.required].sort()).toEqual([...excerpt.required].sort());
    for (const [name, prop] of Object.entries(fromDoc.properties)) {
      expect(excerpt.properties[name]?.type).toBe(prop.type);
      expect(excerpt.properties[name]?.format).toBe(prop.format);
    }
  });
});

describe('secrets reporting', () => {
  it('reports every key, password and issued JWT through onSecretIssued', async () => {
    const token = await mintToken(sim);
    const fresh = sim.createApiKey('partner-lab');
    expect(issued).toContain(sim.demo.apiKey);
    expect(issued).toContain(sim.demo.password);
    expect(issued).toContain(sim.demo.multiTenantUser.password);
    expect(issued).toContain(token);
    expect(issued).toContain(fresh);
    for (const t of sim.tenants) for (const k of t.apiKeys) expect(issued).toContain(k);
  });
});

/** The ICA token client and HTTP helper against the simulator over real HTTP. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Sim } from '../../sim/index.js';
import { createHttp } from '../../src-core/http/request.js';
import { createIcaClient, ICA_MEDIA_TYPE } from '../../src-core/ica/client.js';
import { recordSecret } from '../helpers/env.js';
import { startTestSim, tokenRequests } from '../helpers/tessera.js';

let sim: Sim;
const http = createHttp({ fetch: (i, init) => fetch(i, init), retry: { baseDelayMs: 10, maxDelayMs: 50 } });
const ica = createIcaClient(http);

beforeAll(async () => {
  sim = await startTestSim();
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.faults.clear();
  sim.clearRequests();
  sim.setClockSkew(0);
});

describe('ICA token endpoints', () => {
  it('mints with an API key: POST, X-API-Key, the v3 Accept header, no body; claims decoded', async () => {
    const minted = await ica.mintWithApiKey(sim.icaBaseUrl, sim.demo.apiKey);
    recordSecret(minted.token);
    expect(minted.claims).toMatchObject({ gty: 'api_key', tenantId: sim.demo.tenantId });
    expect(Math.abs(minted.skewMs)).toBeLessThan(1500);
    const [req] = tokenRequests(sim);
    expect(req).toMatchObject({ method: 'POST', path: '/ica/rest/api/tokens', body: '' });
    expect(req?.headers['accept']).toBe(ICA_MEDIA_TYPE);
  });

  it('mints with Basic and ?tenant= for a user of several tenants', async () => {
    const user = sim.demo.multiTenantUser;
    recordSecret(user.password);
    const demo = await ica.mintWithBasic(sim.icaBaseUrl, user.email, user.password, sim.demo.domain);
    const partner = await ica.mintWithBasic(sim.icaBaseUrl, user.email, user.password, sim.demo.partner.domain);
    recordSecret(demo.token);
    recordSecret(partner.token);
    expect(demo.claims.tenantId).toBe(sim.demo.tenantId);
    expect(partner.claims.tenantId).toBe(sim.demo.partner.tenantId);
    const req = tokenRequests(sim)[0];
    expect(req?.query['tenant']).toBe(sim.demo.domain);
    expect(req?.headers['authorization']).toBe(`Basic ${Buffer.from(`${user.email}:${user.password}`).toString('base64')}`);
  });

  it('Basic without tenant for a multi-tenant user: the Problem title reaches the message, the password does not', async () => {
    const user = sim.demo.multiTenantUser;
    const error = await ica.mintWithBasic(sim.icaBaseUrl, user.email, user.password).catch((e: unknown) => e as { code: string; message: string });
    // A 400 is a request the platform refused (here: the tenant is missing), not the platform failing.
    expect(error).toMatchObject({ code: 'BAD_REQUEST' });
    expect((error as { message: string }).message).toContain('Tenant required');
    expect((error as { message: string }).message).not.toContain(user.password);
  });

  it('refreshes a Basic-minted token with Bearer; a key-minted one is REFRESH_NOT_SUPPORTED', async () => {
    const basic = await ica.mintWithBasic(sim.icaBaseUrl, sim.demo.username, sim.demo.password, sim.demo.domain);
    recordSecret(basic.token);
    const refreshed = await ica.refresh(sim.icaBaseUrl, basic.token);
    recordSecret(refreshed.token);
    expect(refreshed.claims.exp).toBeGreaterThanOrEqual(basic.claims.exp);
    expect(tokenRequests(sim).at(-1)).toMatchObject({ path: '/ica/rest/api/tokens:refresh' });

    const keyToken = await ica.mintWithApiKey(sim.icaBaseUrl, sim.demo.apiKey);
    recordSecret(keyToken.token);
    await expect(ica.refresh(sim.icaBaseUrl, keyToken.token)).rejects.toMatchObject({ code: 'REFRESH_NOT_SUPPORTED' });
  });

  it('measures the server clock skew from the Date header', async () => {
    sim.setClockSkew(-3600);
    const minted = await ica.mintWithApiKey(sim.icaBaseUrl, sim.demo.apiKey);
    recordSecret(minted.token);
    expect(minted.skewMs).toBeGreaterThan(-3_601_500);
    expect(minted.skewMs).toBeLessThan(-3_598_500);
  });

  it('a request without the v3 Accept header is refused by ICA (400 ICA_API_004), and the message says so', async () => {
    const error = await http({ method: 'POST', url: `${sim.icaBaseUrl}/api/tokens`, headers: { 'X-API-Key': sim.demo.apiKey, Accept: 'application/json' } }).catch(
      (e: unknown) => e as { code: string; message: string; status: number },
    );
    expect(error).toMatchObject({ status: 400 });
    expect((error as { message: string }).message).toContain('ICA_API_004');
    expect((error as { message: string }).message).not.toContain(sim.demo.apiKey);
  });

  it('an injected 500 on an idempotent call is retried; on the mint too (minting is idempotent)', async () => {
    sim.faults.add({ match: { path: '/ica/rest/api/tokens' }, fault: { kind: 'status', status: 500 } });
    const minted = await ica.mintWithApiKey(sim.icaBaseUrl, sim.demo.apiKey);
    recordSecret(minted.token);
    expect(tokenRequests(sim)).toHaveLength(2);
  });

  it('a slow answer within the timeout succeeds; beyond it is TIMEOUT', async () => {
    sim.faults.add({ match: { path: '/ica/rest/api/tokens' }, fault: { kind: 'delay', ms: 200 } });
    recordSecret((await ica.mintWithApiKey(sim.icaBaseUrl, sim.demo.apiKey, { timeoutMs: 2000 })).token);
    sim.faults.add({ match: { path: '/ica/rest/api/tokens' }, fault: { kind: 'delay', ms: 1000 } });
    await expect(ica.mintWithApiKey(sim.icaBaseUrl, sim.demo.apiKey, { timeoutMs: 200 })).rejects.toMatchObject({ code: 'TIMEOUT' });
  });

  it('refuses http:// to a non-loopback host before sending the key', async () => {
    await expect(ica.mintWithApiKey('http://example.com/ica/rest', sim.demo.apiKey)).rejects.toMatchObject({ code: 'INSECURE_URL' });
  });
});

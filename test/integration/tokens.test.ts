/**
 * Token service against the simulator over real HTTP, with the real keychain (private
 * D-Bus session) as the SecretStore and a real config file per test.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Sim } from '../../sim/index.js';
import type { TesseraEvent } from '../../src-shared/contract.js';
import { addBasicProfile, addKeyProfile, makeCore, startTestSim, tokenRequests } from '../helpers/tessera.js';
import { recordSecret } from '../helpers/env.js';

let sim: Sim;

beforeAll(async () => {
  sim = await startTestSim();
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.faults.clear();
  sim.clearRequests();
  sim.setTokenLifetime(3600);
  sim.setClockSkew(0);
});

async function rejection(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error('expected a rejection');
}

describe('minting and the cache', () => {
  it('mints with the API key once, then serves the cached token with no second mint', async () => {
    const { core } = makeCore();
    await addKeyProfile(core, sim);
    const before = sim.mintCount();

    const first = await core.revealToken('lab');
    recordSecret(first.token);
    expect(first.status.source).toBe('minted');
    expect(first.status.grant).toBe('api-key');
    expect(first.status.claims.tenantId).toBe(sim.demo.tenantId);
    expect(first.status.claims.gty).toBe('api_key');
    expect(Date.parse(first.status.expiresAt) - Date.now()).toBeGreaterThan(3500_000);

    const second = await core.revealToken('lab');
    expect(second.token).toBe(first.token);
    expect(second.status.source).toBe('cache');
    expect(sim.mintCount() - before).toBe(1);

    const [mint] = tokenRequests(sim);
    expect(mint?.method).toBe('POST');
    expect(mint?.headers['x-api-key']).toBe(sim.demo.apiKey);
    expect(mint?.headers['accept']).toContain('application/vnd.illumina.v3+json');
    expect(mint?.headers['authorization']).toBeUndefined();
    expect(mint?.body).toBe('');
    await core.dispose();
  });

  it('mints anew when the cached token has less than minTtl left, and re-mints (never refreshes) key tokens', async () => {
    sim.setTokenLifetime(400);
    const { core } = makeCore();
    await addKeyProfile(core, sim);
    const before = sim.mintCount();
    const a = await core.revealToken('lab', { minTtlSeconds: 300 });
    recordSecret(a.token);
    const b = await core.revealToken('lab', { minTtlSeconds: 300 });
    expect(b.status.source).toBe('cache');
    // 400 s lifetime < 500 s asked: the cached token is too close to expiry.
    const c = await core.revealToken('lab', { minTtlSeconds: 500 });
    recordSecret(c.token);
    expect(c.status.source).toBe('minted');
    expect(sim.mintCount() - before).toBe(2);
    expect(sim.requests.some((r) => r.path.endsWith(':refresh'))).toBe(false);
    await core.dispose();
  });

  it('uses the default minTtl from settings (300 s)', async () => {
    sim.setTokenLifetime(200);
    const { core } = makeCore();
    await addKeyProfile(core, sim);
    const before = sim.mintCount();
    recordSecret((await core.revealToken('lab')).token);
    recordSecret((await core.revealToken('lab')).token);
    expect(sim.mintCount() - before).toBe(2);
    await core.updateSettings({ minTtlSeconds: 60 });
    const third = await core.revealToken('lab');
    expect(third.status.source).toBe('cache');
    await core.dispose();
  });

  it('corrects the expiry for server clock skew measured from the Date header', async () => {
    sim.setClockSkew(900); // the server runs 15 minutes ahead
    const { core } = makeCore();
    await addKeyProfile(core, sim);
    const t = await core.revealToken('lab');
    recordSecret(t.token);
    expect(t.status.skewSeconds).toBeGreaterThanOrEqual(899);
    expect(t.status.skewSeconds).toBeLessThanOrEqual(901);
    // exp is 15 min ahead on the server's clock; on ours the token lives its full hour.
    const left = (Date.parse(t.status.expiresAt) - Date.now()) / 1000;
    expect(left).toBeGreaterThan(3590);
    expect(left).toBeLessThan(3605);
    expect(t.status.claims.exp * 1000 - Date.parse(t.status.expiresAt)).toBeGreaterThan(898_000);

    // A server running behind: without correction the token would look 20 min shorter and be re-minted early.
    sim.setClockSkew(-1200);
    const u = await core.revealToken('lab', { force: true });
    recordSecret(u.token);
    expect(u.status.skewSeconds).toBeLessThanOrEqual(-1199);
    expect((Date.parse(u.status.expiresAt) - Date.now()) / 1000).toBeGreaterThan(3590);
    await core.dispose();
  });

  it('single flight: 50 concurrent ensureToken calls cause exactly one mint', async () => {
    const { core } = makeCore();
    await addKeyProfile(core, sim);
    const before = sim.mintCount();
    const results = await Promise.all(Array.from({ length: 50 }, () => core.ensureToken('lab')));
    expect(sim.mintCount() - before).toBe(1);
    expect(new Set(results.map((r) => r.expiresAt)).size).toBe(1);
    await core.dispose();
  });

  it('shares the token cache across two cores on one data dir (the second does no mint)', async () => {
    const first = makeCore();
    await addKeyProfile(first.core, sim);
    const before = sim.mintCount();
    const a = await first.core.revealToken('lab');
    recordSecret(a.token);
    await first.core.dispose();

    const second = makeCore({ dataDir: first.dataDir, secrets: first.secrets.backend === 'keychain' ? undefined : first.secrets });
    const b = await second.core.revealToken('lab');
    expect(b.token).toBe(a.token);
    expect(b.status.source).toBe('cache');
    expect(sim.mintCount() - before).toBe(1);
    expect(await second.core.getTokenStatus('lab')).toMatchObject({ source: 'cache', expiresAt: a.status.expiresAt });
    await second.core.dispose();
  });

  it('force mints a new token even when the cached one is fresh', async () => {
    const { core } = makeCore();
    await addKeyProfile(core, sim);
    const before = sim.mintCount();
    recordSecret((await core.revealToken('lab')).token);
    const forced = await core.revealToken('lab', { force: true });
    recordSecret(forced.token);
    expect(forced.status.source).toBe('minted');
    expect(sim.mintCount() - before).toBe(2);
    await core.dispose();
  });

  it('emits token events without the JWT', async () => {
    const { core } = makeCore();
    await addKeyProfile(core, sim);
    const events: TesseraEvent[] = [];
    core.onEvent((e) => events.push(e));
    const t = await core.revealToken('lab');
    recordSecret(t.token);
    const tokenEvents = events.filter((e) => e.type === 'token');
    expect(tokenEvents).toHaveLength(1);
    expect(JSON.stringify(events)).not.toContain(t.token);
    await core.dispose();
  });
});

describe('Basic credentials', () => {
  it('refreshes a Basic-minted token through :refresh while it is still valid', async () => {
    sim.setTokenLifetime(400);
    const { core } = makeCore();
    await addBasicProfile(core, sim);
    const mintsBefore = sim.mintCount();
    const refreshesBefore = sim.refreshCount();
    const first = await core.revealToken('lab-basic', { minTtlSeconds: 60 });
    recordSecret(first.token);
    expect(first.status.grant).toBe('basic');
    const mint = tokenRequests(sim).at(-1);
    expect(mint?.path).toBe('/ica/rest/api/tokens');
    expect(mint?.headers['authorization']).toMatch(/^Basic /);
    expect(mint?.query['tenant']).toBe(sim.demo.domain);

    sim.setTokenLifetime(3600);
    const refreshed = await core.revealToken('lab-basic', { minTtlSeconds: 600 });
    recordSecret(refreshed.token);
    expect(refreshed.status.source).toBe('refreshed');
    expect(refreshed.token).not.toBe(first.token);
    expect(sim.mintCount() - mintsBefore).toBe(1);
    expect(sim.refreshCount() - refreshesBefore).toBe(1);
    const refresh = tokenRequests(sim).at(-1);
    expect(refresh?.path).toBe('/ica/rest/api/tokens:refresh');
    expect(refresh?.headers['authorization']).toBe(`Bearer ${first.token}`);
    expect(refresh?.headers['accept']).toContain('application/vnd.illumina.v3+json');
    await core.dispose();
  });

  it('falls back to minting when the refresh is refused', async () => {
    sim.setTokenLifetime(400);
    const { core } = makeCore();
    await addBasicProfile(core, sim);
    recordSecret((await core.revealToken('lab-basic', { minTtlSeconds: 60 })).token);
    sim.faults.add({ match: { path: '/ica/rest/api/tokens:refresh' }, fault: { kind: 'status', status: 401 } });
    const mintsBefore = sim.mintCount();
    const next = await core.revealToken('lab-basic', { minTtlSeconds: 600 });
    recordSecret(next.token);
    expect(next.status.source).toBe('minted');
    expect(sim.mintCount() - mintsBefore).toBe(1);
    await core.dispose();
  });

  it('a wrong password is CREDENTIALS_REJECTED naming the user, never the password', async () => {
    const { core } = makeCore();
    const wrong = 'not-the-password-123';
    recordSecret(wrong);
    await core.addProfile({
      name: 'bad-basic',
      domain: sim.demo.domain,
      region: 'us',
      icaUrl: sim.icaBaseUrl,
      credential: { kind: 'basic', username: sim.demo.username, password: wrong },
    });
    const error = await rejection(core.ensureToken('bad-basic'));
    expect(error.code).toBe('CREDENTIALS_REJECTED');
    expect(error.message).toContain(sim.demo.username);
    expect(error.message).not.toContain(wrong);
    await core.dispose();
  });
});

describe('failures', () => {
  it('retries a 429 honouring Retry-After, then succeeds', async () => {
    const { core } = makeCore();
    await addKeyProfile(core, sim);
    sim.faults.add({ match: { path: '/ica/rest/api/tokens' }, fault: { kind: 'status', status: 429, retryAfterSeconds: 1 } });
    const started = Date.now();
    const t = await core.revealToken('lab');
    recordSecret(t.token);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(tokenRequests(sim)).toHaveLength(2);
    await core.dispose();
  });

  it('retries 503 and 502 with backoff, then succeeds', async () => {
    const { core } = makeCore();
    await addKeyProfile(core, sim);
    sim.faults.add({ match: { path: '/ica/rest/api/tokens' }, times: 1, fault: { kind: 'status', status: 503 } });
    sim.faults.add({ match: { path: '/ica/rest/api/tokens' }, times: 1, fault: { kind: 'status', status: 502 } });
    const t = await core.revealToken('lab');
    recordSecret(t.token);
    expect(tokenRequests(sim)).toHaveLength(3);
    await core.dispose();
  });

  it('gives up after the retry budget with SERVER_ERROR naming the endpoint and status', async () => {
    const { core } = makeCore();
    await addKeyProfile(core, sim);
    sim.faults.add({ match: { path: '/ica/rest/api/tokens' }, times: 10, fault: { kind: 'status', status: 503 } });
    const error = await rejection(core.ensureToken('lab'));
    expect(error.code).toBe('SERVER_ERROR');
    expect(error.message).toContain('POST');
    expect(error.message).toContain('/ica/rest/api/tokens');
    expect(error.message).toContain('503');
    expect(tokenRequests(sim)).toHaveLength(4);
    await core.dispose();
  });

  it('a revoked key is CREDENTIALS_REJECTED with the Manage API Keys hint, and marks rejectedAt until rotation', async () => {
    const { core } = makeCore();
    const key = sim.createApiKey(sim.demo.domain);
    await addKeyProfile(core, sim, 'revoked', key);
    recordSecret((await core.revealToken('revoked')).token);
    sim.revokeKey(key);
    const error = await rejection(core.ensureToken('revoked', { force: true }));
    expect(error.code).toBe('CREDENTIALS_REJECTED');
    expect(error.message).toContain('Manage API Keys');
    expect(error.message).toContain(key.slice(-4));
    expect(error.message).toContain('"revoked"');
    expect(error.message).toContain('401');
    expect(error.message).not.toContain(key);
    const [view] = (await core.listProfiles()).filter((p) => p.name === 'revoked');
    expect(view?.key.rejectedAt).toBeDefined();
    // The rejected token is not served from cache any more.
    expect(await core.getTokenStatus('revoked')).toBeNull();

    const fresh = sim.createApiKey(sim.demo.domain);
    recordSecret(fresh);
    const rotated = await core.replaceCredential('revoked', { kind: 'api-key', apiKey: fresh });
    expect(rotated.key.rejectedAt).toBeUndefined();
    expect(rotated.key.fingerprint).toBe(fresh.slice(-4));
    recordSecret((await core.revealToken('revoked')).token);
    await core.dispose();
  });

  it('clears rejectedAt after a later success', async () => {
    const { core } = makeCore();
    await addKeyProfile(core, sim);
    sim.faults.add({ match: { path: '/ica/rest/api/tokens' }, fault: { kind: 'status', status: 401 } });
    expect((await rejection(core.ensureToken('lab'))).code).toBe('CREDENTIALS_REJECTED');
    expect((await core.listProfiles())[0]?.key.rejectedAt).toBeDefined();
    recordSecret((await core.revealToken('lab')).token);
    expect((await core.listProfiles())[0]?.key.rejectedAt).toBeUndefined();
    await core.dispose();
  });

  it('a forbidden key is FORBIDDEN', async () => {
    const { core } = makeCore();
    const key = sim.createApiKey(sim.demo.domain);
    await addKeyProfile(core, sim, 'forbidden', key);
    sim.forbidKey(key);
    const error = await rejection(core.ensureToken('forbidden'));
    expect(error.code).toBe('FORBIDDEN');
    expect(error.message).toContain('403');
    expect(error.message).not.toContain(key);
    expect((await core.listProfiles())[0]?.key.rejectedAt).toBeUndefined();
    await core.dispose();
  });

  it('a hung server is TIMEOUT after the configured request timeout', async () => {
    const { core } = makeCore();
    await addKeyProfile(core, sim);
    await core.updateSettings({ requestTimeoutSeconds: 1 });
    sim.faults.add({ match: { path: '/ica/rest/api/tokens' }, fault: { kind: 'hang' } });
    const started = Date.now();
    const error = await rejection(core.ensureToken('lab'));
    expect(error.code).toBe('TIMEOUT');
    expect(error.message).toContain('/ica/rest/api/tokens');
    expect(Date.now() - started).toBeLessThan(5000);
    await core.dispose();
  });

  it('malformed JSON is MALFORMED_RESPONSE', async () => {
    const { core } = makeCore();
    await addKeyProfile(core, sim);
    sim.faults.add({ match: { path: '/ica/rest/api/tokens' }, fault: { kind: 'malformed' } });
    const error = await rejection(core.ensureToken('lab'));
    expect(error.code).toBe('MALFORMED_RESPONSE');
    expect(error.message).toContain('/ica/rest/api/tokens');
    await core.dispose();
  });

  it('a reset connection is retried (minting is idempotent), and NETWORK once retries run out', async () => {
    const { core } = makeCore();
    await addKeyProfile(core, sim);
    sim.faults.add({ match: { path: '/ica/rest/api/tokens' }, fault: { kind: 'reset' } });
    recordSecret((await core.revealToken('lab')).token);
    sim.faults.add({ match: { path: '/ica/rest/api/tokens' }, times: 10, fault: { kind: 'reset' } });
    const error = await rejection(core.ensureToken('lab', { force: true }));
    expect(error.code).toBe('NETWORK');
    await core.dispose();
  });

  it('a closed port is NETWORK', async () => {
    const { core } = makeCore();
    await core.addProfile({
      name: 'nowhere',
      domain: 'demo-lab',
      region: 'us',
      icaUrl: 'http://127.0.0.1:9/ica/rest',
      credential: { kind: 'api-key', apiKey: 'closed-port-key-0001' },
    });
    const error = await rejection(core.ensureToken('nowhere'));
    expect(error.code).toBe('NETWORK');
    expect(error.message).toContain('127.0.0.1:9');
    await core.dispose();
  });
});

describe('rotation, lock', () => {
  it('rotation drops the cached token', async () => {
    const { core } = makeCore();
    await addKeyProfile(core, sim);
    const before = sim.mintCount();
    const a = await core.revealToken('lab');
    recordSecret(a.token);
    const fresh = sim.createApiKey(sim.demo.domain);
    recordSecret(fresh);
    // Without the check mint, so that the count below is the tokens' own.
    await core.replaceCredential('lab', { kind: 'api-key', apiKey: fresh }, { verify: false });
    expect(await core.getTokenStatus('lab')).toBeNull();
    const b = await core.revealToken('lab');
    recordSecret(b.token);
    expect(b.status.source).toBe('minted');
    expect(sim.mintCount() - before).toBe(2);
    expect(tokenRequests(sim).at(-1)?.headers['x-api-key']).toBe(fresh);
    await core.dispose();
  });

  it('lock forgets in-memory tokens and refuses token calls until unlocked', async () => {
    const { core } = makeCore();
    await addKeyProfile(core, sim);
    const events: string[] = [];
    core.onEvent((e) => events.push(e.type));
    recordSecret((await core.revealToken('lab')).token);
    await core.lock();
    expect((await rejection(core.ensureToken('lab'))).code).toBe('LOCKED');
    expect((await rejection(core.revealToken('lab'))).code).toBe('LOCKED');
    expect((await rejection(core.searchCases('lab', {}))).code).toBe('LOCKED');
    expect((await core.getAppInfo()).locked).toBe(true);
    await core.unlock();
    expect(events).toEqual(expect.arrayContaining(['locked', 'unlocked']));
    // The keychain copy is still there for the CLI, so unlocking costs no mint.
    const before = sim.mintCount();
    expect((await core.ensureToken('lab')).source).toBe('cache');
    expect(sim.mintCount()).toBe(before);
    await core.dispose();
  });

  it('execEnvironment gives the token and the profile URLs', async () => {
    const { core } = makeCore();
    await core.addProfile({
      name: 'envy',
      domain: sim.demo.domain,
      region: 'euw2',
      workgroup: sim.demo.workgroup,
      icaUrl: sim.icaBaseUrl,
      tssUrl: sim.tssBaseUrl,
      credential: { kind: 'api-key', apiKey: sim.demo.apiKey },
    });
    const env = await core.execEnvironment('envy');
    recordSecret(env.ICAV2_ACCESS_TOKEN ?? '');
    expect(env).toMatchObject({
      // icav2's server-url is a host (with the port when it is not 443); Python tools read the full REST base.
      ICAV2_SERVER_URL: new URL(sim.icaBaseUrl).host,
      ICAV2_BASE_URL: sim.icaBaseUrl,
      TESSERA_TSS_URL: sim.tssBaseUrl,
      TESSERA_DOMAIN: sim.demo.domain,
      TESSERA_WORKGROUP: sim.demo.workgroup,
      TESSERA_PROFILE: 'envy',
    });
    expect(env.ICAV2_ACCESS_TOKEN?.split('.')).toHaveLength(3);
    await core.dispose();
  });
});

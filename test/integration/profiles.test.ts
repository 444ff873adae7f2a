/** Profiles with the real keychain (private D-Bus session) and the simulator. */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Sim } from '../../sim/index.js';
import { openConfigStore } from '../../src-core/config/store.js';
import { accounts } from '../../src-core/secrets/accounts.js';
import { recordSecret } from '../helpers/env.js';
import { addKeyProfile, makeCore, startTestSim } from '../helpers/tessera.js';

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
});

async function idOf(dataDir: string, name: string): Promise<string> {
  const p = (await openConfigStore(dataDir).read()).profiles.find((x) => x.name === name);
  if (!p) throw new Error(`no profile ${name}`);
  return p.id;
}

describe('profiles with the keychain', () => {
  it('add stores the key in the keychain and nothing secret on disk; remove deletes every keychain entry', async () => {
    const { core, dataDir, secrets } = makeCore();
    const view = await addKeyProfile(core, sim);
    expect(view.key.fingerprint).toBe(sim.demo.apiKey.slice(-4));
    const id = await idOf(dataDir, 'lab');
    expect(await secrets.get(accounts.credential({ id, name: 'lab' }))).toBe(sim.demo.apiKey);
    const t = await core.revealToken('lab');
    recordSecret(t.token);
    expect(await secrets.get(accounts.token({ id, name: 'lab' }))).toContain(t.token);
    const configText = readFileSync(openConfigStore(dataDir).path, 'utf8');
    expect(configText).not.toContain(sim.demo.apiKey);
    expect(configText).not.toContain(t.token);

    await core.removeProfile('lab');
    for (const account of accounts.all({ id, name: 'lab' })) expect(await secrets.get(account)).toBeNull();
    expect(await core.listProfiles()).toEqual([]);
    await expect(core.ensureToken('lab')).rejects.toMatchObject({ code: 'PROFILE_NOT_FOUND' });
    await core.dispose();
  });

  it('verify: true refuses a revoked key with the platform reason and saves nothing', async () => {
    const { core } = makeCore();
    const key = sim.createApiKey(sim.demo.domain);
    sim.revokeKey(key);
    const error = await core
      .addProfile({ name: 'checked', domain: sim.demo.domain, region: 'us', icaUrl: sim.icaBaseUrl, credential: { kind: 'api-key', apiKey: key }, verify: true })
      .catch((e: unknown) => e as { code: string; message: string });
    expect(error).toMatchObject({ code: 'CREDENTIALS_REJECTED' });
    expect((error as { message: string }).message).toContain('The API key is not valid or has been revoked.');
    expect((error as { message: string }).message).toContain('Manage API Keys');
    expect(await core.listProfiles()).toEqual([]);
    await core.dispose();
  });

  it('verify: true with a good key keeps the minted token, so the first token call needs no mint', async () => {
    const { core } = makeCore();
    recordSecret(sim.demo.apiKey);
    const before = sim.mintCount();
    await core.addProfile({ name: 'checked', domain: sim.demo.domain, region: 'us', icaUrl: sim.icaBaseUrl, credential: { kind: 'api-key', apiKey: sim.demo.apiKey }, verify: true });
    const t = await core.revealToken('checked');
    recordSecret(t.token);
    expect(t.status.source).toBe('cache');
    expect(sim.mintCount() - before).toBe(1);
    await core.dispose();
  });

  it('startDemo points a demo profile at the simulator and mints from it', async () => {
    const { core } = makeCore({
      ports: { demo: async () => ({ icaUrl: sim.icaBaseUrl, tssUrl: sim.tssBaseUrl, domain: sim.demo.domain, apiKey: sim.demo.apiKey }) },
    });
    const view = await core.startDemo();
    expect(view).toMatchObject({ name: 'demo', isDemo: true, icaUrl: sim.icaBaseUrl });
    const t = await core.revealToken('demo');
    recordSecret(t.token);
    expect(t.status.claims.tenantId).toBe(sim.demo.tenantId);
    await core.dispose();
  });

  it('a profile whose keychain entry vanished is SECRET_MISSING', async () => {
    const { core, dataDir, secrets } = makeCore();
    await addKeyProfile(core, sim);
    await secrets.delete(accounts.credential({ id: await idOf(dataDir, 'lab'), name: 'lab' }));
    await expect(core.ensureToken('lab')).rejects.toMatchObject({ code: 'SECRET_MISSING' });
    await core.dispose();
  });
});

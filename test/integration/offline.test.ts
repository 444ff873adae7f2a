/**
 * Reading without the network: with the simulator stopped, every read returns cached
 * data marked offline; a case that was never cached is a typed OFFLINE error; while
 * online, a case read is refreshed from the server. Also: a damaged cache file is
 * set aside with CACHE_CORRUPT and rebuilt by the next sync, leaving profiles and
 * secrets alone.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openConfigStore } from '../../src-core/config/store.js';
import { accounts } from '../../src-core/secrets/accounts.js';
import { addKeyProfile, startTestSim } from '../helpers/tessera.js';
import { makeCacheCore } from '../fixtures/cache/core.js';

describe('offline reads', () => {
  it('serve cached data marked offline when the server is gone, and OFFLINE for what was never cached', async () => {
    const sim = await startTestSim({ cases: 300, seed: 8 });
    const setup = makeCacheCore();
    await addKeyProfile(setup.core, sim);
    await setup.core.sync('lab');
    const [first, second] = sim.data.cases();
    const online = await setup.core.getCase('lab', first!.displayId);
    expect(online).toMatchObject({ offline: false, stale: false, data: { id: first!.id, displayId: first!.displayId } });
    const syncedAt = (await setup.core.getCacheStatus('lab')).syncedAt;

    // A case changed on the server is refreshed by reading it, without a sync.
    const [changed] = sim.data.updateCases(1);
    const refreshed = await setup.core.getCase('lab', changed!.id);
    expect(refreshed.data.status).toBe(changed!.status);
    expect(refreshed.data.updatedDate).toBe(new Date(changed!.updatedDate).toISOString());

    await sim.close();

    const tests = await setup.core.listTests('lab');
    expect(tests).toMatchObject({ offline: true, stale: true, syncedAt });
    expect(tests.data.length).toBe(sim.data.testDefinitions().length);

    const search = await setup.core.searchCases('lab', { text: second!.displayId });
    expect(search).toMatchObject({ offline: true, stale: true, syncedAt, total: 1 });
    expect(search.items[0]!.id).toBe(second!.id);

    const cached = await setup.core.getCase('lab', second!.displayId);
    expect(cached).toMatchObject({ offline: true, stale: true, syncedAt, data: { id: second!.id } });

    await expect(setup.core.getCase('lab', 'CASE-999999')).rejects.toMatchObject({ code: 'OFFLINE' });
    expect(await setup.core.getCacheStatus('lab')).toMatchObject({ cases: 300, syncedAt });

    // A sync while offline fails with a network error and changes nothing.
    await expect(setup.core.sync('lab')).rejects.toMatchObject({ code: 'NETWORK' });
    expect((await setup.core.searchCases('lab', {})).total).toBe(300);
    await setup.core.dispose();
  });

  it('a new process (CLI) reads the cache with the server gone', async () => {
    const sim = await startTestSim({ cases: 50, seed: 9 });
    const setup = makeCacheCore();
    await addKeyProfile(setup.core, sim);
    await setup.core.sync('lab');
    await setup.core.dispose();
    await sim.close();

    const later = makeCacheCore({ dataDir: setup.dataDir, secrets: setup.secrets });
    const result = await later.core.searchCases('lab', { status: [sim.data.cases()[0]!.status] });
    expect(result.total).toBe(sim.data.cases().filter((c) => c.status === sim.data.cases()[0]!.status).length);
    expect((await later.core.getCase('lab', sim.data.cases()[3]!.displayId)).offline).toBe(true);
    await later.core.dispose();
  });
});

describe('a damaged cache', () => {
  it('is set aside with CACHE_CORRUPT, rebuilt by the next sync, and profiles and secrets stay', async () => {
    const sim = await startTestSim({ cases: 400, seed: 10 });
    try {
      const setup = makeCacheCore();
      await addKeyProfile(setup.core, sim);
      await setup.core.sync('lab');
      await setup.core.dispose();

      const profile = (await openConfigStore(setup.dataDir).read()).profiles[0]!;
      const file = join(setup.dataDir, 'cache', `${profile.id}.db`);
      const bytes = readFileSync(file);
      // Damage most pages but not the header: the damage is found when a query reads a damaged page.
      for (let i = Math.floor(bytes.length * 0.1); i < Math.floor(bytes.length * 0.9); i += 97) bytes[i] = bytes[i]! ^ 0x5a;
      writeFileSync(file, bytes);

      const later = makeCacheCore({ dataDir: setup.dataDir, secrets: setup.secrets });
      const err = await later.core.searchCases('lab', { text: 'case' }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'CACHE_CORRUPT', message: expect.stringMatching(/set aside.*Sync again/) });
      expect(readdirSync(join(setup.dataDir, 'cache')).some((n) => n.startsWith(`${profile.id}.db.corrupt-`))).toBe(true);

      // Profiles and secrets untouched.
      expect((await later.core.listProfiles()).map((p) => p.name)).toEqual(['lab']);
      expect(await setup.secrets.get(accounts.credential(profile))).toBe(sim.demo.apiKey);

      expect((await later.core.searchCases('lab', {})).total).toBe(0);
      await later.core.sync('lab');
      expect((await later.core.searchCases('lab', {})).total).toBe(400);
      await later.core.dispose();

      // Damage found by a sync itself: it sets the file aside and rebuilds in the same call.
      const again = readFileSync(file);
      for (let i = Math.floor(again.length * 0.1); i < Math.floor(again.length * 0.9); i += 97) again[i] = again[i]! ^ 0x5a;
      writeFileSync(file, again);
      const third = makeCacheCore({ dataDir: setup.dataDir, secrets: setup.secrets });
      await expect(third.core.sync('lab')).resolves.toMatchObject({ cases: 400 });
      expect((await third.core.searchCases('lab', {})).total).toBe(400);
      expect(readdirSync(join(setup.dataDir, 'cache')).filter((n) => /\.corrupt-[^-]+$/.test(n) || /\.corrupt-\d+T\d+Z-\d+$/.test(n))).toHaveLength(2);
      await third.core.dispose();
    } finally {
      await sim.close();
    }
  });

  it('whose key was lost from the keychain is rebuilt by a sync', async () => {
    const sim = await startTestSim({ cases: 30, seed: 11 });
    try {
      const setup = makeCacheCore();
      await addKeyProfile(setup.core, sim);
      await setup.core.sync('lab');
      await setup.core.dispose();
      const profile = (await openConfigStore(setup.dataDir).read()).profiles[0]!;
      await setup.secrets.delete(accounts.cacheKey(profile));

      const later = makeCacheCore({ dataDir: setup.dataDir, secrets: setup.secrets });
      await expect(later.core.sync('lab')).resolves.toMatchObject({ cases: 30 });
      expect(await setup.secrets.get(accounts.cacheKey(profile))).toBeTruthy();
      await later.core.removeProfile('lab');
      expect(readdirSync(join(setup.dataDir, 'cache')).filter((n) => n.startsWith(profile.id))).toEqual([]);
      expect(await setup.secrets.get(accounts.cacheKey(profile))).toBeNull();
      await later.core.dispose();
    } finally {
      await sim.close();
    }
  });
});

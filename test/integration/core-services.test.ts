/**
 * The core's services each own their state, against the simulator and the real
 * keychain:
 * - a sync with identifiers of 10,000 cases reads the API key from the Secret Service a
 *   handful of times, not once per request (thousands of reads in a row have crashed
 *   gnome-keyring and left the desktop session with a locked keyring);
 * - one lookup rule: the cache finds profile "lab" as "Lab", as the token path does, and a
 *   name that matches nothing is refused with the near matches;
 * - settings are parsed once, yet a change written by another process is seen;
 * - the case-search version the tenant serves is remembered through the repository,
 *   which announces it like every other profile write.
 */
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConfigStore } from '../../src-core/config/store.js';
import type { SecretStore } from '../../src-core/ports.js';
import { accounts } from '../../src-core/secrets/accounts.js';
import { addKeyProfile, secretStore, startTestSim } from '../helpers/tessera.js';
import { makeCacheCore, type Sim } from '../fixtures/cache/core.js';

let sim: Sim;

beforeAll(async () => {
  sim = await startTestSim({ cases: 10_000, seed: 9 });
});
afterAll(async () => {
  await sim.close();
});

/** Wraps a real secret store and counts reads per account. */
function counting(inner: SecretStore): SecretStore & { reads: Map<string, number> } {
  const reads = new Map<string, number>();
  return {
    backend: inner.backend,
    reads,
    async get(account) {
      reads.set(account, (reads.get(account) ?? 0) + 1);
      return inner.get(account);
    },
    set: (account, value) => inner.set(account, value),
    delete: (account) => inner.delete(account),
    list: () => inner.list(),
  };
}

async function idOf(dataDir: string, name: string): Promise<string> {
  return (await openConfigStore(dataDir).read()).profiles.find((p) => p.name === name)!.id;
}

describe('credential reads', () => {
  it('a sync with identifiers of 10,000 cases reads the API key from the Secret Service a handful of times', async () => {
    const secrets = counting(secretStore('keychain'));
    const setup = makeCacheCore({ secrets, cache: { detailConcurrency: 8 } });
    await addKeyProfile(setup.core, sim);
    await setup.core.updateProfile('lab', { includeIdentifiers: true });
    const before = sim.requests.length;
    secrets.reads.clear();

    const result = await setup.core.sync('lab');

    expect(result.cases).toBe(10_000);
    const requests = sim.requests.slice(before).filter((r) => r.path.startsWith('/crs/') || r.path.startsWith('/tms/'));
    // One request per page and one per case for the identifiers: the key went out on every one.
    expect(requests.length).toBeGreaterThan(10_000);
    expect(requests.every((r) => r.headers.authorization === `ApiKey ${sim.demo.apiKey}`)).toBe(true);
    const id = await idOf(setup.dataDir, 'lab');
    const keyReads = secrets.reads.get(accounts.credential({ id, name: 'lab' })) ?? 0;
    expect(keyReads).toBeGreaterThanOrEqual(1);
    expect(keyReads).toBeLessThanOrEqual(3);
    const allReads = [...secrets.reads.values()].reduce((a, b) => a + b, 0);
    expect(allReads).toBeLessThanOrEqual(10);
    await setup.core.dispose();
  }, 180_000);

  it('a replaced key is read anew by the next operation', async () => {
    const secrets = counting(secretStore('keychain'));
    const setup = makeCacheCore({ secrets });
    await addKeyProfile(setup.core, sim, 'rotating');
    await setup.core.listTests('rotating');
    const second = sim.tenants[0]!.apiKeys[1]!;
    await setup.core.replaceCredential('rotating', { kind: 'api-key', apiKey: second });
    const before = sim.requests.length;
    await setup.core.listTests('rotating');
    const sent = sim.requests.slice(before).find((r) => r.path.startsWith('/tms/'));
    expect(sent?.headers.authorization).toBe(`ApiKey ${second}`);
    await setup.core.dispose();
  });
});

describe('one lookup rule', () => {
  it('the cache finds profile "lab" as "Lab", like the token path does', async () => {
    const setup = makeCacheCore();
    await addKeyProfile(setup.core, sim);
    await setup.core.sync('lab');
    const token = await setup.core.token('Lab');
    expect(token.status.profile).toBe('lab');
    const found = await setup.core.searchCases('Lab', { limit: 5 });
    expect(found.total).toBe(10_000);
    await expect(setup.core.getCacheStatus('LAB')).resolves.toMatchObject({ profile: 'lab', cases: 10_000 });
    await setup.core.dispose();
  }, 120_000);

  it('a name that matches nothing is PROFILE_NOT_FOUND naming near matches', async () => {
    const setup = makeCacheCore();
    await addKeyProfile(setup.core, sim, 'core-lab');
    await expect(setup.core.searchCases('core-lap', {})).rejects.toMatchObject({
      code: 'PROFILE_NOT_FOUND',
      message: expect.stringContaining('Did you mean "core-lab"?'),
    });
    await expect(setup.core.token('elsewhere')).rejects.toMatchObject({ code: 'PROFILE_NOT_FOUND', message: 'No profile named "elsewhere".' });
    await setup.core.dispose();
  });
});

describe('settings and profile writes', () => {
  it('settings are read once, and a change another process wrote is seen at once', async () => {
    const setup = makeCacheCore();
    await setup.core.updateSettings({ minTtlSeconds: 120 });
    const first = await setup.core.getSettings();
    // The same parsed object while config.json is unchanged: no re-parse per request.
    expect(await setup.core.getSettings()).toBe(first);
    // Another process (the CLI beside the app) writes config.json through its own store.
    await openConfigStore(setup.dataDir).update((cfg) => {
      cfg.settings = { ...cfg.settings, minTtlSeconds: 900 };
      return cfg;
    });
    expect((await setup.core.getSettings()).minTtlSeconds).toBe(900);
    // A hand edit in place (same inode) is seen too.
    const path = join(setup.dataDir, 'config.json');
    writeFileSync(path, readFileSync(path, 'utf8').replace('"minTtlSeconds": 900', '"minTtlSeconds": 60'));
    expect((await setup.core.getSettings()).minTtlSeconds).toBe(60);
    await setup.core.dispose();
  });

  it('remembering the case-search version goes through the repository and announces the change', async () => {
    sim.setCaseSearchVersions(['v1']);
    try {
      const setup = makeCacheCore();
      await addKeyProfile(setup.core, sim, 'v1-lab');
      const seen = setup.events.length;
      await setup.core.sync('v1-lab');
      const cfg = await openConfigStore(setup.dataDir).read();
      expect(cfg.profiles.find((p) => p.name === 'v1-lab')?.tssSearchVersion).toBe('v1');
      expect(setup.events.slice(seen).some((e) => e.type === 'profiles-changed')).toBe(true);
      await setup.core.dispose();
    } finally {
      sim.setCaseSearchVersions(['v1', 'v2']);
    }
  }, 120_000);
});

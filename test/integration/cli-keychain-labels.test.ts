/**
 * What a person sees of Tessera's entries in their keychain (Seahorse lists the Secret
 * Service label): each entry names its profile, entries an earlier version stored under
 * the profile id alone keep working and take the name, and a profile renamed in
 * config.json takes its entries along. Checked with libsecret's own `secret-tool`
 * against the run's real gnome-keyring, with the CLI as a real process.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Sim } from '../../sim/index.js';
import { SECRET_SERVICE, accountName, legacyAccountName, type SecretKind } from '../../src-core/secrets/accounts.js';
import { createKeychainStore } from '../../src-core/secrets/keychain.js';
import { Cli, cliSuite, keychainHas, profileFlags, readConfig } from './cli-harness.js';

let sim: Sim;
const suite = cliSuite();
const newCli = suite.newCli;

beforeAll(async () => {
  sim = suite.sim;
});

/**
 * The labels of the keyring's Tessera items that belong to a profile id, as the Secret
 * Service reports them. `secret-tool search` prints secrets on stdout too: only the
 * `label = ` lines are kept, so a failing assertion never shows a secret.
 */
function labelsOf(profileId: string): string[] {
  const r = spawnSync('secret-tool', ['search', '--all', 'service', SECRET_SERVICE], { encoding: 'utf8', env: process.env });
  expect(r.status).toBe(0);
  return r.stdout
    .split('\n')
    .filter((line) => line.startsWith('label = ') && line.includes(profileId))
    .map((line) => line.slice('label = '.length))
    .sort();
}

async function addWithToken(cli: Cli, name: string): Promise<string> {
  expect((await cli.run(['profile', 'add', name, ...profileFlags(sim), '--api-key-stdin'], { input: sim.demo.apiKey })).code).toBe(0);
  expect((await cli.run(['token', name])).code).toBe(0);
  return readConfig(cli.home).profiles[0]!.id;
}

const tokenSource = async (cli: Cli, name: string, extra: string[] = []) => {
  const r = await cli.run(['token', name, '--format', 'json', ...extra]);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { source: string }).source;
};

describe('keychain entries as a person sees them', () => {
  it('labels every entry with the profile name (what Seahorse lists)', async () => {
    const cli = newCli('labels');
    const id = await addWithToken(cli, 'lab-eu.2');
    const labels = labelsOf(id);
    expect(labels).toHaveLength(2);
    for (const label of labels) expect(label).toContain('profile lab-eu.2: ');
    expect(labels).toEqual(['credential', 'token'].map((kind) => `keyring:${accountName({ id, name: 'lab-eu.2' }, kind as SecretKind)}@${SECRET_SERVICE}`));

    expect((await cli.run(['profile', 'remove', 'lab-eu.2'])).code).toBe(0);
    expect(labelsOf(id)).toEqual([]);
  });

  it('keeps using entries an earlier version stored under the profile id alone, and relabels them', async () => {
    const cli = newCli('labels-legacy');
    const id = await addWithToken(cli, 'lab');
    const owner = { id, name: 'lab' };
    // What an earlier version left: the same secrets under `profile/<id>/<kind>`, written
    // through the same keyring library.
    const keychain = createKeychainStore();
    for (const kind of ['credential', 'token'] as const) {
      const value = await keychain.get(accountName(owner, kind));
      expect(value).not.toBeNull();
      await keychain.set(legacyAccountName(id, kind), value!);
      expect(await keychain.delete(accountName(owner, kind))).toBe(true);
    }
    expect(labelsOf(id)).toEqual([`keyring:${legacyAccountName(id, 'credential')}@${SECRET_SERVICE}`, `keyring:${legacyAccountName(id, 'token')}@${SECRET_SERVICE}`]);

    const mints = sim.mintCount();
    // The cached token is found under its legacy name: no new mint.
    expect(await tokenSource(cli, 'lab')).toBe('cache');
    // A forced mint reads the key from its legacy name.
    expect(await tokenSource(cli, 'lab', ['--force'])).toBe('minted');
    expect(sim.mintCount() - mints).toBe(1);

    for (const kind of ['credential', 'token'] as const) {
      expect(keychainHas(accountName(owner, kind)), kind).toBe(true);
      expect(keychainHas(legacyAccountName(id, kind)), kind).toBe(false);
    }
    for (const label of labelsOf(id)) expect(label).toContain('profile lab: ');

    expect((await cli.run(['profile', 'remove', 'lab'])).code).toBe(0);
    expect(labelsOf(id)).toEqual([]);
  });

  it('moves the entries of a profile renamed in config.json to the new name', async () => {
    const cli = newCli('labels-renamed');
    const id = await addWithToken(cli, 'lab');
    const file = join(cli.home, 'config.json');
    const config = readConfig(cli.home);
    config.profiles[0]!.name = 'bench';
    writeFileSync(file, JSON.stringify(config, null, 2));

    const mints = sim.mintCount();
    expect(await tokenSource(cli, 'bench')).toBe('cache');
    expect(await tokenSource(cli, 'bench', ['--force'])).toBe('minted');
    expect(sim.mintCount() - mints).toBe(1);
    const labels = labelsOf(id);
    expect(labels).toHaveLength(2);
    for (const label of labels) expect(label).toContain('profile bench: ');

    expect((await cli.run(['profile', 'remove', 'bench'])).code).toBe(0);
    expect(labelsOf(id)).toEqual([]);
  });
});

/**
 * `tessera doctor` and keychain entries left behind when config.json was set aside as
 * corrupt: listed as orphans, removed only with `--remove-orphans` and a confirmation.
 *
 * The keychain is real, but private to this file: its own D-Bus session bus and
 * gnome-keyring, so removing "every orphan" cannot touch the entries of the other
 * test files running at the same time against the run's shared keyring.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sim } from '../../sim/index.js';
import { EXIT_CODES } from '../../src-shared/errors.js';
import { accounts } from '../../src-core/secrets/accounts.js';
import { newDataDir, recordSecret } from '../helpers/env.js';
import { Cli, cliSuite, keychainHas, profileFlags, readConfig, runInTerminal } from './cli-harness.js';

let sim: Sim;
const suite = cliSuite({ env: () => keyring });
const newCli = suite.newCli;
let busPid = 0;
/** Environment that points libsecret and the CLI at the private keyring. */
let keyring: Record<string, string> = {};

beforeAll(async () => {
  sim = suite.sim;
  const home = newDataDir('orphans-keyring-home');
  const bus = spawnSync('dbus-daemon', ['--session', '--fork', '--print-address=1', '--print-pid=1'], { encoding: 'utf8' });
  if (bus.status !== 0) throw new Error(`dbus-daemon failed: ${bus.stderr}`);
  const [address, pid] = bus.stdout.trim().split('\n');
  busPid = Number(pid);
  keyring = { HOME: home, DBUS_SESSION_BUS_ADDRESS: address ?? '' };
  // The keyring daemon leaves with its bus (killed in afterAll).
  const started = spawnSync('gnome-keyring-daemon', ['--unlock', '--components=secrets'], { input: 'orphans-test-keyring', env: { ...process.env, ...keyring }, encoding: 'utf8' });
  if (started.status !== 0) throw new Error(`gnome-keyring-daemon failed: ${started.stderr}`);
}, 60_000);

afterAll(async () => {
  if (busPid) process.kill(busPid);
});

/** Adds a profile, then damages config.json so the next command sets it aside. */
async function orphanOneProfile(cli: Cli): Promise<string> {
  const add = await cli.run(['profile', 'add', 'lab', ...profileFlags(sim), '--api-key-stdin'], { input: sim.demo.apiKey });
  expect(add.code).toBe(0);
  const id = readConfig(cli.home).profiles[0]!.id;
  writeFileSync(join(cli.home, 'config.json'), '{"schemaVersion": 1, "profiles": [');
  const list = await cli.run(['profile', 'list']);
  expect(list.stderr).toMatch(/moved aside/);
  return id;
}

describe('orphaned secrets after config.json was set aside', () => {
  it('the keychain: the doctor lists them; --remove-orphans removes them after a yes on the terminal', async () => {
    const cli = newCli('orphans-keychain');
    const id = await orphanOneProfile(cli);
    expect(keychainHas(accounts.credential({ id, name: 'lab' }), { ...process.env, ...keyring })).toBe(true);

    const doctor = await cli.run(['doctor']);
    expect(doctor.code).toBe(EXIT_CODES.ok); // a warning, not a failure
    expect(doctor.stdout).toMatch(/orphans: 2 entries in the OS keychain belong to no profile of config\.json/);
    expect(doctor.stdout).toContain(id);
    // The entries carry the profile's name, so the doctor can say whose they were.
    expect(doctor.stdout).toContain(`lab (${id})`);
    expect(doctor.stdout).toContain('tessera doctor --remove-orphans');

    // Without a terminal to confirm on, nothing is removed unless --yes says so.
    const refused = await cli.run(['doctor', '--remove-orphans']);
    expect(refused.code).toBe(EXIT_CODES.usage);
    expect(refused.stderr).toContain('--yes');
    expect(keychainHas(accounts.credential({ id, name: 'lab' }), { ...process.env, ...keyring })).toBe(true);

    const no = await runInTerminal(cli, ['doctor', '--remove-orphans'], [['[y/N]', 'n']], keyring);
    expect(no.code).toBe(EXIT_CODES.ok);
    expect(no.screen).toContain('Nothing removed');
    expect(keychainHas(accounts.credential({ id, name: 'lab' }), { ...process.env, ...keyring })).toBe(true);

    const yes = await runInTerminal(cli, ['doctor', '--remove-orphans'], [['[y/N]', 'y']], keyring);
    expect(yes.code).toBe(EXIT_CODES.ok);
    expect(yes.screen).toContain('Removed 2 orphaned entries');
    expect(keychainHas(accounts.credential({ id, name: 'lab' }), { ...process.env, ...keyring })).toBe(false);
    expect(keychainHas(accounts.token({ id, name: 'lab' }), { ...process.env, ...keyring })).toBe(false);

    const after = await cli.run(['doctor']);
    expect(after.stdout).toMatch(/orphans: no orphaned entries/);
  });

  it('keeps the entries of profiles that config.json still has', async () => {
    const cli = newCli('orphans-keep');
    const add = await cli.run(['profile', 'add', 'kept', ...profileFlags(sim), '--api-key-stdin'], { input: sim.demo.apiKey });
    expect(add.code).toBe(0);
    const id = readConfig(cli.home).profiles[0]!.id;
    const removed = await cli.run(['doctor', '--remove-orphans', '--yes']);
    expect(removed.code).toBe(EXIT_CODES.ok);
    expect(keychainHas(accounts.credential({ id, name: 'kept' }), { ...process.env, ...keyring })).toBe(true);
  });

  it('the file vault: listed and removed from the vault itself', async () => {
    const passphrase = `orphans-vault-${process.pid}-${Date.now()}`;
    recordSecret(passphrase);
    const cli = newCli('orphans-vault', { TESSERA_SECRET_BACKEND: 'file', TESSERA_VAULT_PASSPHRASE: passphrase });
    const id = await orphanOneProfile(cli);
    const doctor = await cli.run(['doctor']);
    expect(doctor.stdout).toMatch(/orphans: 2 entries in the file vault belong to no profile of config\.json/);
    expect(doctor.stdout).toContain(id);
    const removed = await cli.run(['doctor', '--remove-orphans', '--yes']);
    expect(removed.code).toBe(EXIT_CODES.ok);
    expect(removed.stdout).toContain('Removed 2 orphaned entries');
    expect((await cli.run(['doctor'])).stdout).toMatch(/orphans: no orphaned entries/);
  });
});

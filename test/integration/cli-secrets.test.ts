/**
 * Secret backends through the CLI: a machine whose keychain cannot be reached gets a
 * clear error (exit 5) and the doctor's hint; the explicit file vault
 * (TESSERA_SECRET_BACKEND=file) works end to end without any keychain.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Sim } from '../../sim/index.js';
import { EXIT_CODES } from '../../src-shared/errors.js';
import { CLI_PASSPHRASE_FAILURES } from '../../src-cli/report.js';
import { accounts } from '../../src-core/secrets/accounts.js';
import { vaultRetryDelayMs } from '../../src-core/session.js';
import { recordSecret } from '../helpers/env.js';
import { cliSuite, keychainHas, profileFlags, readConfig } from './cli-harness.js';

let sim: Sim;
const suite = cliSuite({ secrets: () => [['the vault passphrase', PASSPHRASE]] });
const newCli = suite.newCli;

/** A session bus address that leads nowhere: what a headless box without a Secret Service looks like. */
const NO_KEYCHAIN = { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/tessera-test-bus', XDG_RUNTIME_DIR: undefined };

const PASSPHRASE = `vault-pass-${process.pid}-${Date.now()}-correct horse`;

beforeAll(async () => {
  sim = suite.sim;
  recordSecret(PASSPHRASE);
});

describe('without a reachable keychain', () => {
  it('profile add and token fail with exit code 5 and say how to use the file vault', async () => {
    const cli = newCli('nokeychain', NO_KEYCHAIN);
    const add = await cli.run(['profile', 'add', 'lab', ...profileFlags(sim), '--api-key-stdin'], { input: sim.demo.apiKey });
    expect(add.code).toBe(EXIT_CODES.secrets);
    expect(add.stdout).toBe('');
    expect(add.stderr).toMatch(/^tessera: The OS keychain is not available/);
    expect(add.stderr).toContain('TESSERA_SECRET_BACKEND=file');
    // What to do, once: the message names the file vault, so no hint line repeats it.
    expect(add.stderr.match(/TESSERA_SECRET_BACKEND=file/g)).toHaveLength(1);
    expect(add.stderr).not.toMatch(/\n\s+at /);

    const token = await cli.run(['token', 'lab']);
    expect([EXIT_CODES.secrets, EXIT_CODES.usage]).toContain(token.code);
  });

  it('doctor explains what is wrong and what to do, and exits 5', async () => {
    const cli = newCli('nokeychain-doctor', NO_KEYCHAIN);
    const r = await cli.run(['doctor']);
    expect(r.code).toBe(EXIT_CODES.secrets);
    expect(r.stdout).toContain('problems found');
    expect(r.stdout).toMatch(/\[FAIL\]/);
    expect(r.stdout).toContain('TESSERA_SECRET_BACKEND=file');

    const json = await cli.run(['doctor', '--json']);
    expect(json.code).toBe(EXIT_CODES.secrets);
    const report = JSON.parse(json.stdout) as { ok: boolean; secretBackend: string; checks: Array<{ ok: boolean; hint?: string }> };
    expect(report.ok).toBe(false);
    expect(report.secretBackend).toBe('keychain');
    expect(report.checks.some((c) => !c.ok && c.hint?.includes('TESSERA_SECRET_BACKEND=file'))).toBe(true);
  });
});

describe('doctor with a working keychain', () => {
  it('reports the keychain backend as working and exits 0', async () => {
    const cli = newCli('doctor-ok');
    const r = await cli.run(['doctor']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('all checks passed');
    expect(r.stdout).toContain('secret backend: keychain');
    expect(r.stdout).toContain(`data directory: ${cli.home}`);
    expect(r.stdout).toContain('secret-backend: Selected secret backend: keychain (the default)');
  });
});

describe('the encrypted file vault (TESSERA_SECRET_BACKEND=file)', () => {
  it('round-trips a key: add, cached token, forced mint, remove; nothing in the keychain, nothing readable on disk', async () => {
    // No keychain at all: proves the vault never touches it.
    const cli = newCli('vault', { ...NO_KEYCHAIN, TESSERA_SECRET_BACKEND: 'file', TESSERA_VAULT_PASSPHRASE: PASSPHRASE });
    const add = await cli.run(['profile', 'add', 'lab', ...profileFlags(sim), '--api-key-stdin'], { input: sim.demo.apiKey });
    expect(add.stderr).toBe('');
    expect(add.code).toBe(0);
    expect(add.stdout).toContain('stored in the encrypted file vault');

    const vault = join(cli.home, 'vault.json');
    expect(existsSync(vault)).toBe(true);
    expect(statSync(vault).mode & 0o777).toBe(0o600);
    const onDisk = readFileSync(vault);
    expect(onDisk.includes(sim.demo.apiKey), 'the API key is readable in vault.json').toBe(false);
    expect(onDisk.includes(PASSPHRASE), 'the passphrase is in vault.json').toBe(false);

    const mints = sim.mintCount();
    const cached = await cli.run(['token', 'lab', '--format', 'json']);
    expect(cached.code).toBe(0);
    expect((JSON.parse(cached.stdout) as { source: string }).source).toBe('cache');
    const forced = await cli.run(['token', 'lab', '--force', '--format', 'json']);
    expect((JSON.parse(forced.stdout) as { source: string }).source).toBe('minted');
    expect(sim.mintCount() - mints).toBe(1);

    // The real keychain (queried on the working bus) holds nothing of this profile.
    const id = readConfig(cli.home).profiles[0]?.id ?? '';
    expect(keychainHas(accounts.credential({ id, name: 'lab' }))).toBe(false);

    const doctor = await cli.run(['doctor']);
    expect(doctor.code).toBe(0);
    expect(doctor.stdout).toContain('secret backend: file');

    const remove = await cli.run(['profile', 'remove', 'lab']);
    expect(remove.code).toBe(0);
    expect((await cli.run(['token', 'lab'])).code).toBe(EXIT_CODES.usage);
  });

  it('a wrong or missing passphrase fails with exit code 5 and says which', async () => {
    const cli = newCli('vault-pass', { ...NO_KEYCHAIN, TESSERA_SECRET_BACKEND: 'file', TESSERA_VAULT_PASSPHRASE: PASSPHRASE });
    expect((await cli.run(['profile', 'add', 'lab', ...profileFlags(sim), '--api-key-stdin'], { input: sim.demo.apiKey })).code).toBe(0);

    const wrong = await cli.run(['token', 'lab'], { env: { TESSERA_VAULT_PASSPHRASE: 'not the passphrase' } });
    expect(wrong.code).toBe(EXIT_CODES.secrets);
    expect(wrong.stdout).toBe('');
    expect(wrong.stderr).toMatch(/passphrase/i);

    // stdin is not a terminal here, so there is no prompt to fall back on.
    const missing = await cli.run(['token', 'lab'], { env: { TESSERA_VAULT_PASSPHRASE: undefined } });
    expect(missing.code).toBe(EXIT_CODES.secrets);
    expect(missing.stderr).toContain('TESSERA_VAULT_PASSPHRASE');
  });

  it('a wrong passphrase costs a pause before the CLI exits, as in the app', async () => {
    const cli = newCli('vault-pause', { ...NO_KEYCHAIN, TESSERA_SECRET_BACKEND: 'file', TESSERA_VAULT_PASSPHRASE: PASSPHRASE });
    expect((await cli.run(['profile', 'add', 'lab', ...profileFlags(sim), '--api-key-stdin'], { input: sim.demo.apiKey })).code).toBe(0);
    /** Milliseconds between the error appearing on stderr and the process exiting (a lower bound on the pause). */
    const gapAfterError = (env: Record<string, string | undefined>): Promise<{ gap: number; code: number | null }> =>
      new Promise((done) => {
        const child = cli.spawn(['token', 'lab'], { env });
        let errorAt = 0;
        child.stderr?.on('data', () => (errorAt ||= performance.now()));
        child.on('exit', (code) => done({ gap: performance.now() - errorAt, code }));
      });
    const wrong = await gapAfterError({ TESSERA_VAULT_PASSPHRASE: 'not the passphrase' });
    expect(wrong.code).toBe(EXIT_CODES.secrets);
    // Only a lower bound: a slow machine can make the gap longer, never shorter.
    expect(wrong.gap).toBeGreaterThanOrEqual(vaultRetryDelayMs(CLI_PASSPHRASE_FAILURES) - 50);
    expect(vaultRetryDelayMs(CLI_PASSPHRASE_FAILURES)).toBeGreaterThanOrEqual(1000);
  });

  it('refuses an unknown backend name as a usage error', async () => {
    const cli = newCli('vault-bad-backend', { TESSERA_SECRET_BACKEND: 'plaintext' });
    const r = await cli.run(['profile', 'list']);
    expect(r.code).toBe(EXIT_CODES.usage);
    expect(r.stderr).toContain('TESSERA_SECRET_BACKEND must be "keychain" or "file"');
    // The doctor still runs, and says the same.
    const doctor = await cli.run(['doctor']);
    expect(doctor.code).toBe(EXIT_CODES.secrets);
    expect(doctor.stdout).toContain('Set TESSERA_SECRET_BACKEND to keychain or file');
  });
});

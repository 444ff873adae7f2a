/** The doctor against the real Secret Service of the test session and a real file vault. */
import { describe, expect, it } from 'vitest';
import { runDoctor } from '../../src-core/doctor.js';
import { createFileVault } from '../../src-core/secrets/file-vault.js';
import { newDataDir, recordSecret } from '../helpers/env.js';

const realKeychain = Boolean(process.env.DBUS_SESSION_BUS_ADDRESS) || process.env.TESSERA_TEST_INNER === '1';

function envWith(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.TESSERA_SECRET_BACKEND;
  delete env.TESSERA_VAULT_PASSPHRASE;
  return { ...env, ...extra };
}

describe('doctor (real backends)', () => {
  it.skipIf(!realKeychain)('finds the keychain working in the test session', async () => {
    const report = await runDoctor({ dataDir: newDataDir('doctor-real'), env: envWith({}) });
    expect(report.ok).toBe(true);
    expect(report.secretBackend).toBe('keychain');
    expect(report.checks.find((c) => c.name === 'keychain')).toMatchObject({ ok: true, detail: expect.stringContaining('written, read back and deleted') });
    if (process.platform === 'linux') expect(report.checks.find((c) => c.name === 'dbus-session')?.ok).toBe(true);
  });

  it('reports a vault that the given passphrase does not open', async () => {
    const dir = newDataDir('doctor-vault');
    const right = `right-${Math.random().toString(36).slice(2)}`;
    const wrong = `wrong-${Math.random().toString(36).slice(2)}`;
    const value = `value-${Math.random().toString(36).slice(2)}`;
    for (const s of [right, wrong, value]) recordSecret(s);
    await createFileVault({ dataDir: dir, passphrase: async () => right }).set('a', value);
    const report = await runDoctor({ dataDir: dir, env: envWith({ TESSERA_SECRET_BACKEND: 'file', TESSERA_VAULT_PASSPHRASE: wrong }), keychain: () => ({ probe: async () => undefined }) });
    expect(report.ok).toBe(false);
    expect(report.checks.find((c) => c.name === 'file-vault')).toMatchObject({ ok: false, detail: expect.stringContaining('passphrase does not open'), hint: expect.stringContaining('passphrase is wrong') });
    expect(JSON.stringify(report)).not.toContain(wrong);
    const fine = await runDoctor({ dataDir: dir, env: envWith({ TESSERA_SECRET_BACKEND: 'file', TESSERA_VAULT_PASSPHRASE: right }), keychain: () => ({ probe: async () => undefined }) });
    expect(fine.ok).toBe(true);
  });

  it('reports a damaged vault', async () => {
    const dir = newDataDir('doctor-vault-corrupt');
    (await import('node:fs')).writeFileSync(`${dir}/vault.json`, '{"format":');
    const pass = `pass-${Math.random().toString(36).slice(2)}`;
    recordSecret(pass);
    const report = await runDoctor({ dataDir: dir, env: envWith({ TESSERA_SECRET_BACKEND: 'file', TESSERA_VAULT_PASSPHRASE: pass }), keychain: () => ({ probe: async () => undefined }) });
    expect(report.checks.find((c) => c.name === 'file-vault')).toMatchObject({ ok: false, hint: expect.stringContaining('Restore it from a backup') });
    expect(report.checks.find((c) => c.name === 'secrets')?.hint).toMatch(/unset TESSERA_SECRET_BACKEND/);
  });
});

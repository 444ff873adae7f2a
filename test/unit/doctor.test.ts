import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { doctorExitCode, renderDoctor } from '../../src-cli/commands/doctor.js';
import { runDoctor, type DoctorOptions } from '../../src-core/doctor.js';
import { TesseraError } from '../../src-core/errors.js';
import { newDataDir, recordSecret } from '../helpers/env.js';

const working = () => ({ probe: async () => undefined });
const unavailable = () => ({
  probe: async () => {
    throw new TesseraError('KEYCHAIN_UNAVAILABLE', 'The OS keychain is not available (AccessDenied).');
  },
});
const locked = () => ({
  probe: async () => {
    throw new TesseraError('KEYCHAIN_LOCKED', 'The OS keychain is locked.');
  },
});

const bus = { DBUS_SESSION_BUS_ADDRESS: 'unix:abstract=/tmp/test-bus' };

async function doctor(options: Partial<DoctorOptions> & { env?: NodeJS.ProcessEnv }) {
  const report = await runDoctor({ dataDir: newDataDir('doctor'), platform: 'linux', ...options });
  const check = (name: string) => report.checks.find((c) => c.name === name);
  return { report, check };
}

describe('doctor', () => {
  it('is ok when the keychain works', async () => {
    const { report, check } = await doctor({ env: bus, keychain: working });
    expect(report.ok).toBe(true);
    expect(report.secretBackend).toBe('keychain');
    expect(check('keychain')).toMatchObject({ ok: true });
    expect(check('secrets')).toMatchObject({ ok: true, detail: expect.stringContaining('OS keychain') });
    expect(check('data-dir')?.ok).toBe(true);
    expect(check('config')?.ok).toBe(true);
    expect(check('node')?.detail).toMatch(/^Node \d+/);
    expect(check('dbus-session')?.ok).toBe(true);
    // The unselected vault without a passphrase does not make the report fail.
    expect(check('file-vault')).toMatchObject({ ok: false, detail: expect.stringContaining('(not selected)') });
    // Which backend is in use is a field, not a phrase to parse.
    expect(check('file-vault')?.selected).toBe(false);
    expect(check('keychain')?.selected).toBe(true);
    expect(check('config')).not.toHaveProperty('selected');
  });

  it('says why and what to do when no backend works', async () => {
    const { report, check } = await doctor({ env: {}, keychain: unavailable });
    expect(report.ok).toBe(false);
    expect(check('dbus-session')).toMatchObject({ ok: false, detail: expect.stringContaining('DBUS_SESSION_BUS_ADDRESS') });
    expect(check('keychain')).toMatchObject({ ok: false, detail: expect.stringContaining('AccessDenied'), hint: expect.stringContaining('TESSERA_SECRET_BACKEND=file') });
    expect(check('secrets')?.hint).toMatch(/No secret backend works.*TESSERA_SECRET_BACKEND=file.*TESSERA_VAULT_PASSPHRASE/);
  });

  it('suggests the file vault when the keychain fails but a vault passphrase is available', async () => {
    const pass = 'doctor-pass-1234';
    recordSecret(pass);
    const { report, check } = await doctor({ env: { ...bus, TESSERA_VAULT_PASSPHRASE: pass }, keychain: locked });
    expect(report.ok).toBe(false);
    expect(check('keychain')).toMatchObject({ ok: false, hint: expect.stringContaining('Unlock') });
    expect(check('file-vault')?.ok).toBe(true);
    expect(check('secrets')?.hint).toMatch(/switch to the encrypted file vault: TESSERA_SECRET_BACKEND=file/);
  });

  it('is ok with the file vault selected and a passphrase, even without a keychain', async () => {
    const pass = 'doctor-pass-5678';
    recordSecret(pass);
    const { report, check } = await doctor({ env: { TESSERA_SECRET_BACKEND: 'file', TESSERA_VAULT_PASSPHRASE: pass }, keychain: unavailable });
    expect(report.ok).toBe(true);
    expect(report.secretBackend).toBe('file');
    expect(check('secret-backend')?.detail).toMatch(/file \(from TESSERA_SECRET_BACKEND\)/);
    expect(check('keychain')).toMatchObject({ ok: false, detail: expect.stringContaining('(not selected)') });
    expect(check('keychain')?.selected).toBe(false);
    expect(check('file-vault')?.selected).toBe(true);
    expect(check('secrets')?.ok).toBe(true);
  });

  it('the CLI marks an unselected backend by the field, whatever the wording of its detail', () => {
    const report = {
      ok: true,
      dataDir: '/tmp/x',
      secretBackend: 'keychain' as const,
      checks: [
        { name: 'keychain', ok: true, selected: true, detail: 'The OS keychain works' },
        { name: 'file-vault', ok: false, selected: false, detail: 'No passphrase is available', hint: 'Set TESSERA_VAULT_PASSPHRASE.' },
        { name: 'proxy', ok: false, detail: 'Something optional' },
      ],
    };
    const text = renderDoctor(report);
    expect(text).toContain('[n/a]  file-vault: No passphrase is available');
    expect(text).not.toContain('TESSERA_VAULT_PASSPHRASE');
    expect(text).toContain('[warn] proxy');
    expect(doctorExitCode(report)).toBe(0);
    // When the report fails, the alternative's fix is shown: it may be the way out.
    expect(renderDoctor({ ...report, ok: false })).toContain('fix: Set TESSERA_VAULT_PASSPHRASE.');
  });

  it('fails the file vault without a passphrase, and uses the face prompt when given', async () => {
    const env = { TESSERA_SECRET_BACKEND: 'file' };
    const without = await doctor({ env, keychain: working });
    expect(without.report.ok).toBe(false);
    expect(without.check('file-vault')?.hint).toMatch(/TESSERA_VAULT_PASSPHRASE/);
    expect(without.check('secrets')?.hint).toMatch(/unset TESSERA_SECRET_BACKEND/);
    const pass = 'doctor-prompted-pass';
    recordSecret(pass);
    const withPrompt = await doctor({ env, keychain: working, passphrase: async () => pass });
    expect(withPrompt.report.ok).toBe(true);
  });

  it('reports a damaged config without moving it', async () => {
    const dir = newDataDir('doctor-config');
    writeFileSync(join(dir, 'config.json'), '{');
    const report = await runDoctor({ dataDir: dir, env: bus, platform: 'linux', keychain: working });
    expect(report.ok).toBe(false);
    expect(report.checks.find((c) => c.name === 'config')).toMatchObject({ ok: false, hint: expect.stringContaining('moves it aside') });
  });

  it('reports an unwritable data dir', async () => {
    if (process.platform === 'win32' || process.getuid?.() === 0) return; // root writes anywhere
    const dir = newDataDir('doctor-ro');
    chmodSync(dir, 0o500);
    try {
      const report = await runDoctor({ dataDir: dir, env: bus, platform: 'linux', keychain: working });
      expect(report.checks.find((c) => c.name === 'data-dir')).toMatchObject({ ok: false });
    } finally {
      chmodSync(dir, 0o700);
    }
  });

  it('notes the proxy environment without credentials', async () => {
    const proxyPass = 'proxy-pass-31337';
    recordSecret(proxyPass);
    const { check } = await doctor({ env: { ...bus, HTTPS_PROXY: `http://me:${proxyPass}@proxy.lab:3128`, NO_PROXY: 'localhost,127.0.0.1' }, keychain: working });
    const detail = check('proxy')?.detail ?? '';
    expect(detail).toContain('proxy.lab:3128');
    expect(detail).toContain('NO_PROXY=localhost,127.0.0.1');
    expect(detail).not.toContain(proxyPass);
  });

  it('flags an old Node and gives up on a hung keychain', async () => {
    const { check } = await doctor({ env: bus, nodeVersion: 'v18.19.0', keychain: () => ({ probe: () => new Promise<void>(() => undefined) }), probeTimeoutMs: 50 });
    expect(check('node')).toMatchObject({ ok: false, hint: expect.stringContaining('20.18') });
    expect(check('keychain')).toMatchObject({ ok: false, detail: expect.stringContaining('did not answer') });
  });

  it('has no D-Bus check off Linux', async () => {
    const { check } = await doctor({ env: {}, platform: 'darwin', keychain: working });
    expect(check('dbus-session')).toBeUndefined();
  });
});

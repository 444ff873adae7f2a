/**
 * The built main bundle (out/main/index.js), not just its sources: booted in plain
 * Node with `electron` resolved to a stub, it must harden before ready, serve the
 * renderer with the CSP, register the contract, run the demo tenant through the real
 * core, file vault and embedded simulator, copy a concealed token, refuse a foreign
 * frame, and clear the clipboard when quitting. Runs after `npm run build`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTRACT_METHODS } from '../../src-shared/contract.js';
import { newDataDir } from '../helpers/env.js';

const root = resolve(import.meta.dirname, '../..');
const bundle = join(root, 'out/main/index.js');

describe('built main bundle', () => {
  it.runIf(existsSync(bundle) && existsSync(join(root, 'out/renderer/index.html')))('boots against a stub Electron and runs the demo scenario', () => {
    const r = spawnSync(process.execPath, ['--import', join(import.meta.dirname, 'fixtures/register-electron-stub.mjs'), bundle], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
      env: {
        ...process.env,
        TESSERA_HOME: newDataDir('main-bundle'),
        STUB_USER_DATA: mkdtempSync(join(tmpdir(), 'tessera-bundle-userdata-')),
        TESSERA_SECRET_BACKEND: 'file',
        TESSERA_VAULT_PASSPHRASE: 'bundle-test-passphrase',
      },
    });
    const events = r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { event: string } & Record<string, never>);
    const find = (name: string) => events.find((e) => e.event === name) as Record<string, unknown> | undefined;
    expect(r.status, r.stderr).toBe(0);
    expect(events.map((e) => e.event).slice(0, 3)).toEqual(['enableSandbox', 'schemes', 'ready']);
    expect(find('window')!.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, devTools: false });
    expect(find('loadURL')!.url).toBe('app://tessera/index.html');
    expect(find('ipc')!.channels).toEqual(CONTRACT_METHODS.map((m) => `tessera:${m}`).sort());
    expect(find('index')).toMatchObject({ status: 200, csp: expect.stringContaining("script-src 'self'") });
    expect(find('startDemo')!.result).toMatchObject({ ok: true, value: { name: 'demo', isDemo: true } });
    expect(find('copyToken')).toMatchObject({ result: { ok: true, value: { profile: 'demo', format: 'header' } }, copied: true });
    expect(find('copyToken')!.formats).toContain('electron application/osclipboard;format="x-kde-passwordManagerHint"');
    expect(find('notification')!.title).toBe('Authorization header copied for demo');
    expect(find('foreign')!.result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_ORIGIN' } });
    expect(find('quit-held')).toBeDefined();
    expect(find('quit')).toBeDefined();
    expect(find('clipboard-after-quit')!.empty).toBe(true);
    // Nothing the main process printed carries the token.
    expect(r.stdout + r.stderr).not.toMatch(/eyJ[\w-]{10,}\.[\w-]{10,}/);
  });
});

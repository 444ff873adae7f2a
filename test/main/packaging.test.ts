/**
 * The desktop scripts and packaging config: `npm start` fails fast with a useful
 * hint where Electron has no binary, `npm run dist` stops before building when it
 * cannot get Electron's release zip, the electron-builder config validates, and the
 * afterPack hook flips the fuses the security model relies on.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);

describe('npm start', () => {
  it('fails fast, before building, with the harness and CLI hint when the binary is missing', () => {
    const fakeElectron = mkdtempSync(join(tmpdir(), 'tessera-electron-pkg-'));
    const started = Date.now();
    const r = spawnSync(process.execPath, [join(root, 'scripts/start.mjs')], {
      cwd: root,
      env: { ...process.env, TESSERA_ELECTRON_PACKAGE_DIR: fakeElectron, ELECTRON_OVERRIDE_DIST_PATH: '' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(r.status).toBe(1);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(r.stderr).toContain('npm run harness');
    expect(r.stderr).toContain('bin/tessera');
    expect(r.stderr).toMatch(/never downloaded/);
    expect(r.stdout).not.toMatch(/vite|building/i);
  });

  it('finds the binary as require("electron") would: path.txt naming a file under dist/', async () => {
    const { findElectronBinary } = await import('../../scripts/electron-binary.mjs');
    const pkg = mkdtempSync(join(tmpdir(), 'tessera-electron-pkg-'));
    const env = { TESSERA_ELECTRON_PACKAGE_DIR: pkg };
    expect(findElectronBinary({ root, env })).toMatchObject({ ok: false, reason: expect.stringMatching(/path\.txt/) });
    writeFileSync(join(pkg, 'path.txt'), 'electron');
    expect(findElectronBinary({ root, env })).toMatchObject({ ok: false, reason: expect.stringMatching(/missing/) });
    mkdirSync(join(pkg, 'dist'));
    writeFileSync(join(pkg, 'dist', 'electron'), '');
    expect(findElectronBinary({ root, env })).toEqual({ ok: true, path: join(pkg, 'dist', 'electron'), packageDir: pkg });
  });
});

describe('npm run dist', () => {
  it('stops at once with an explanation when no Electron release zip can be had', () => {
    const cache = mkdtempSync(join(tmpdir(), 'tessera-electron-cache-'));
    const started = Date.now();
    // A mirror on a closed loopback port: refused immediately, no outside network.
    const r = spawnSync(process.execPath, [join(root, 'scripts/dist.mjs'), '--check-only', '--linux'], {
      cwd: root,
      env: { ...process.env, ELECTRON_CACHE: cache, ELECTRON_MIRROR: 'http://127.0.0.1:9/' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(r.status).toBe(1);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(r.stderr).toMatch(/cannot package the desktop app here/);
    expect(r.stderr).toMatch(/electron-v[\d.]+-linux-/);
  });

  it('passes the preflight when the zip is in Electron\'s cache', () => {
    const cache = mkdtempSync(join(tmpdir(), 'tessera-electron-cache-'));
    const version = JSON.parse(readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8')).version;
    mkdirSync(join(cache, 'abc123'));
    writeFileSync(join(cache, 'abc123', `electron-v${version}-linux-${process.arch}.zip`), '');
    const r = spawnSync(process.execPath, [join(root, 'scripts/dist.mjs'), '--check-only', '--linux'], {
      cwd: root,
      env: { ...process.env, ELECTRON_CACHE: cache, ELECTRON_MIRROR: 'http://127.0.0.1:9/' },
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
  });
});

describe('electron-builder config', () => {
  it('validates against electron-builder\'s schema and packages as the issue asks', async () => {
    const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js');
    const { DebugLogger } = require('builder-util');
    const config = await getConfig(root, join(root, 'electron-builder.yml'), null);
    await validateConfiguration(config, new DebugLogger(false));
    expect(config.appId).toBe('com.tessera.desktop');
    expect(config.asar).toBe(true);
    expect(config.npmRebuild).toBe(true);
    expect(config.asarUnpack).toEqual(expect.arrayContaining([expect.stringContaining('better-sqlite3-multiple-ciphers')]));
    expect(config.afterPack).toBe('scripts/after-pack.cjs');
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.mac.target).toBe('dmg');
    expect(config.win.target).toBe('nsis');
    const files = (config.files as (string | { filter: string[] })[]).flatMap((f) => (typeof f === 'string' ? [f] : f.filter));
    expect(files).toEqual(expect.arrayContaining(['out/main/**', 'out/preload/**', 'out/renderer/**']));
  });
});

describe('afterPack fuses', () => {
  const hook = require('../../scripts/after-pack.cjs');

  it('turns RunAsNode, NODE_OPTIONS and inspect off; cookie encryption, asar integrity and asar-only on', async () => {
    const fuses = await import('@electron/fuses');
    const config = hook.fuseConfig(fuses, 'linux');
    const O = fuses.FuseV1Options;
    expect(config.version).toBe(fuses.FuseVersion.V1);
    expect(config[O.RunAsNode]).toBe(false);
    expect(config[O.EnableNodeOptionsEnvironmentVariable]).toBe(false);
    expect(config[O.EnableNodeCliInspectArguments]).toBe(false);
    expect(config[O.EnableCookieEncryption]).toBe(true);
    expect(config[O.EnableEmbeddedAsarIntegrityValidation]).toBe(true);
    expect(config[O.OnlyLoadAppFromAsar]).toBe(true);
    expect(config.resetAdHocDarwinSignature).toBe(false);
    expect(hook.fuseConfig(fuses, 'darwin').resetAdHocDarwinSignature).toBe(true);
  });

  it('targets the packaged binary on each platform', () => {
    const context = (platform: string) => ({ appOutDir: '/out', electronPlatformName: platform, packager: { appInfo: { productFilename: 'Tessera' }, executableName: 'tessera' } });
    expect(hook.electronBinaryPath(context('linux'))).toBe(join('/out', 'tessera'));
    expect(hook.electronBinaryPath(context('win32'))).toBe(join('/out', 'Tessera.exe'));
    expect(hook.electronBinaryPath(context('darwin'))).toBe(join('/out', 'Tessera.app'));
  });
});

describe('resources', () => {
  it('has the SVG and PNG icons, tray images and a desktop entry', () => {
    const icons = join(root, 'resources/icons');
    for (const f of ['icon.svg', 'icon-256.png', 'icon-512.png', 'icon-1024.png', 'tray.png', 'tray@2x.png', 'trayTemplate.png', 'trayTemplate@2x.png', '256x256.png']) {
      const data = readFileSync(join(icons, f));
      if (f.endsWith('.png')) expect(data.subarray(1, 4).toString('ascii')).toBe('PNG');
      else expect(data.toString('utf8')).toContain('<svg');
    }
    expect(readFileSync(join(root, 'resources/linux/tessera.desktop'), 'utf8')).toMatch(/^Name=Tessera$/m);
  });
});

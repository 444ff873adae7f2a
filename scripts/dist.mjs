#!/usr/bin/env node
/**
 * `npm run dist`: build, then package with electron-builder (electron-builder.yml).
 *   npm run dist                 packages for this OS (Linux: AppImage + deb)
 *   npm run dist -- --mac        dmg;  --win: nsis;  --linux: AppImage + deb
 *   npm run dist -- --check-only only the preflight below
 *
 * electron-builder needs Electron's release zip for each target. Without it (build
 * and CI machines cannot download it) electron-builder would build first and then
 * fail after a long download timeout, so a preflight looks for the zip in Electron's
 * cache, or asks the release server with a short HEAD request, and stops at once with
 * an explanation when neither works.
 */
/* global AbortSignal */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { readJson } from './lib/json.mjs';

const root = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const checkOnly = args.includes('--check-only');
const builderArgs = args.filter((a) => a !== '--check-only');

const electronVersion = readJson(join(root, 'node_modules', 'electron', 'package.json')).version;

/** Which platforms the arguments ask for (electron-builder's own flags); default: this one. */
function requestedPlatforms() {
  const wanted = new Set();
  for (const a of builderArgs) {
    if (a === '--linux' || a === '-l') wanted.add('linux');
    if (a === '--mac' || a === '-m' || a === '--macos') wanted.add('darwin');
    if (a === '--win' || a === '-w' || a === '--windows') wanted.add('win32');
  }
  if (wanted.size === 0) wanted.add(process.platform);
  return [...wanted];
}

/** @electron/get's cache: ELECTRON_CACHE, else the per-OS default. */
function electronCacheDir() {
  if (process.env.ELECTRON_CACHE) return process.env.ELECTRON_CACHE;
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'electron');
  if (process.platform === 'win32') return join(process.env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'electron', 'Cache');
  return join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'electron');
}

function cachedZip(zipName) {
  const dir = electronCacheDir();
  if (!existsSync(dir)) return null;
  // @electron/get keeps each zip in a subdirectory named after a hash of its URL.
  const queue = [[dir, 0]];
  while (queue.length) {
    const [current, depth] = queue.shift();
    for (const entry of readdirSync(current)) {
      const full = join(current, entry);
      if (entry === zipName) return full;
      if (depth < 2 && statSync(full).isDirectory()) queue.push([full, depth + 1]);
    }
  }
  return null;
}

async function releaseReachable(zipName) {
  const mirror = process.env.ELECTRON_MIRROR ?? 'https://github.com/electron/electron/releases/download/';
  const url = `${mirror.replace(/\/?$/, '/')}v${electronVersion}/${zipName}`;
  try {
    const response = await fetch(url, { method: 'HEAD', redirect: 'manual', signal: AbortSignal.timeout(8000) });
    return { ok: response.status < 400, detail: `${url} answered ${response.status}` };
  } catch (error) {
    return { ok: false, detail: `${url}: ${error?.cause?.code ?? error?.name ?? 'unreachable'}` };
  }
}

const missing = [];
for (const platform of requestedPlatforms()) {
  const zipName = `electron-v${electronVersion}-${platform}-${process.arch}.zip`;
  if (cachedZip(zipName)) continue;
  const probe = await releaseReachable(zipName);
  if (!probe.ok) missing.push(`${zipName} (not in ${electronCacheDir()}; ${probe.detail})`);
}
if (missing.length) {
  console.error(
    [
      'Tessera: cannot package the desktop app here: Electron\'s release zip is unavailable:',
      ...missing.map((m) => `  - ${m}`),
      '',
      'electron-builder packages the Electron binary itself, so it needs that zip, either',
      `in Electron's cache (${electronCacheDir()}, or ELECTRON_CACHE) or from the release server`,
      '(github.com, or a mirror in ELECTRON_MIRROR). Run npm run dist on a machine that has one;',
      'the builds (npm run build) and the harness (npm run harness) work without it.',
    ].join('\n'),
  );
  process.exit(1);
}
if (checkOnly) {
  console.log(`Electron ${electronVersion} release zips are available for: ${requestedPlatforms().join(', ')}`);
  process.exit(0);
}

const bin = (name) => join(root, 'node_modules', '.bin', name);
for (const [cmd, cmdArgs] of [
  [bin('electron-vite'), ['build']],
  [bin('electron-builder'), ['--config', 'electron-builder.yml', '--publish', 'never', ...builderArgs]],
]) {
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

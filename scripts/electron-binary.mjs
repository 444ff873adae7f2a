/**
 * Finds the Electron binary the way `require('electron')` does (node_modules/electron/
 * path.txt naming a file under dist/, or ELECTRON_OVERRIDE_DIST_PATH), without
 * requiring it: that require would try to download the binary, which takes long and
 * fails on machines without access to Electron's releases.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * @param {{ root: string, env?: NodeJS.ProcessEnv }} options
 * @returns {{ ok: true, path: string, packageDir: string } | { ok: false, reason: string, packageDir?: string }}
 */
export function findElectronBinary({ root, env = process.env }) {
  let packageDir = env.TESSERA_ELECTRON_PACKAGE_DIR;
  if (!packageDir) {
    try {
      packageDir = dirname(createRequire(join(root, 'package.json')).resolve('electron/package.json'));
    } catch {
      return { ok: false, reason: 'the electron package is not installed (run npm ci)' };
    }
  }
  const pathFile = join(packageDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    const candidate = join(env.ELECTRON_OVERRIDE_DIST_PATH, relative || 'electron');
    return existsSync(candidate)
      ? { ok: true, path: candidate, packageDir }
      : { ok: false, reason: `ELECTRON_OVERRIDE_DIST_PATH has no Electron binary (${candidate})`, packageDir };
  }
  if (!relative) return { ok: false, reason: "Electron's binary was never downloaded (no node_modules/electron/path.txt)", packageDir };
  const binary = join(packageDir, 'dist', relative);
  if (!existsSync(binary)) return { ok: false, reason: `Electron's binary is missing (${binary})`, packageDir };
  return { ok: true, path: binary, packageDir };
}

/** The message `npm start` prints when there is no binary: what works instead. */
export function missingBinaryMessage(reason) {
  return [
    `Tessera: the desktop app cannot start here: ${reason}.`,
    '',
    'The electron package is installed (types, build), but its binary is downloaded on first',
    'use, and this machine cannot fetch it. Everything else works without it:',
    '',
    '  npm run harness        the same UI in your browser, served on 127.0.0.1 by the real core',
    '  bin/tessera --help     the CLI (tessera profile add, tessera token <profile>, tessera exec)',
    '',
    'To run the desktop app on this machine, let Electron fetch its binary',
    '(node node_modules/electron/install.js, with access to github.com or ELECTRON_MIRROR set),',
    'then run npm start again.',
  ].join('\n');
}

#!/usr/bin/env node
/**
 * `npm start`: build the desktop bundles, then launch Electron on them.
 * Where the Electron binary is unavailable (build and CI machines), fail at once,
 * before building, and point to the harness and the CLI.
 */
import { spawn, spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { findElectronBinary, missingBinaryMessage } from './electron-binary.mjs';

const root = resolve(import.meta.dirname, '..');
const found = findElectronBinary({ root });
if (!found.ok) {
  console.error(missingBinaryMessage(found.reason));
  process.exit(1);
}

const build = spawnSync(join(root, 'node_modules', '.bin', 'electron-vite'), ['build'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const child = spawn(found.path, ['.', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit', windowsHide: false });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));

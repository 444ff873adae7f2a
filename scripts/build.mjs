#!/usr/bin/env node
// Builds the desktop bundles (electron-vite) and the CLI bundle.
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
for (const [cmd, args] of [[bin('electron-vite'), ['build']], ['node', ['scripts/build-cli.mjs']]]) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

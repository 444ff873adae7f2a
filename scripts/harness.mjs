#!/usr/bin/env node
// `npm run harness`: builds the renderer if needed, then serves it with the real core
// (harness/cli.ts, run with tsx). See docs/ui.md.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);

if (!existsSync(join(root, 'out', 'renderer', 'index.html')) || process.argv.includes('--build')) {
  const r = spawnSync(bin('electron-vite'), ['build'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const args = process.argv.slice(2).filter((a) => a !== '--build');
const child = spawn(bin('tsx'), [join(root, 'harness', 'cli.ts'), ...args], { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 1)));

#!/usr/bin/env node
// Bundles the CLI into one ESM file so `tessera` starts quickly (no module resolution
// across node_modules at run time). Native modules stay external.
import { build } from 'esbuild';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
await build({
  entryPoints: { tessera: resolve(root, 'src-cli/main.ts') },
  outdir: resolve(root, 'out/cli'),
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  splitting: true,
  minify: false,
  sourcemap: false,
  legalComments: 'none',
  external: ['@napi-rs/keyring', 'better-sqlite3-multiple-ciphers', 'electron'],
  // CommonJS dependencies inside an ESM bundle need require().
  banner: { js: "import { createRequire as __tesseraCreateRequire } from 'node:module'; const require = __tesseraCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});

#!/usr/bin/env node
// Bundles the CLI into one ESM file so `tessera` starts quickly (no module resolution
// across node_modules at run time). Native modules stay external.
import { build } from 'esbuild';
import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');

// zod's namespace object re-exports all of its ~60 message locales (about 360 kB, some
// 20 ms of parsing on every `tessera token`). Tessera only uses English, which zod
// imports directly, so the locale index is reduced to English for the CLI bundle.
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onLoad({ filter: /zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, (args) => ({
      contents: "export { default as en } from './en.js';",
      resolveDir: dirname(args.path),
    }));
  },
};
const result = await build({
  absWorkingDir: root,
  // The cache writer runs on a worker thread of its own (src-core/cache/writer.ts).
  entryPoints: { tessera: resolve(root, 'src-cli/main.ts'), 'cache-writer': resolve(root, 'src-core/cache/writer-worker.ts') },
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
  plugins: [zodEnglishOnly],
  // CommonJS dependencies inside an ESM bundle need require().
  banner: { js: "import { createRequire as __tesseraCreateRequire } from 'node:module'; const require = __tesseraCreateRequire(import.meta.url);" },
  logLevel: 'warning',
  metafile: true,
});
// Which sources each chunk holds (paths relative to the repository): for bundle analysis,
// and for the test that checks what a cached `tessera token` loads (cli-token.test.ts).
writeFileSync(resolve(root, 'out/cli/meta.json'), JSON.stringify(result.metafile));

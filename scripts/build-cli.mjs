#!/usr/bin/env node
// Bundles the CLI into one ESM file so `tessera` starts quickly (no module resolution
// across node_modules at run time). Native modules stay external.
import { build } from 'esbuild';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
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
/**
 * Node's own modules load when the code first uses them. An ESM import of a built-in module
 * loads it at once and builds its namespace from every export, which also runs lazy
 * getters: node:fs then loads its streams, and node:crypto (which the config lock imports
 * for its writes) costs milliseconds on every start that never writes. So each
 * `import { x } from 'node:y'` in our sources gets a module of its own instead: each
 * function export calls (or constructs) through require('node:y') on first use, and any other export
 * (fs.promises, path.posix) is read from it when a module that imports it loads. The
 * names are those of the Node that runs the build, which is the Node that runs the CLI;
 * unused exports are dropped with the rest of the dead code.
 */
const requireBuiltin = createRequire(import.meta.url);
const builtinsOnFirstUse = {
  name: 'builtins-on-first-use',
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (args) => (args.kind === 'import-statement' ? { path: args.path, namespace: 'builtin-on-first-use' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'builtin-on-first-use' }, (args) => {
      const real = requireBuiltin(args.path);
      const names = Object.keys(real).filter((name) => /^[A-Za-z_$][\w$]*$/.test(name) && name !== 'default');
      const lines = [
        // Helper names no built-in module exports.
        `let $loaded$;`,
        `const $load$ = () => ($loaded$ ??= require(${JSON.stringify(args.path)}));`,
        `const $read$ = (name) => $load$()[name];`,
        `export default /* @__PURE__ */ $load$();`,
        ...names.map((name) =>
          typeof real[name] === 'function'
            ? `export function ${name}(...args) { return new.target ? new ($load$().${name})(...args) : $load$().${name}(...args); }`
            : `export const ${name} = /* @__PURE__ */ $read$(${JSON.stringify(name)});`,
        ),
      ];
      return { contents: lines.join('\n'), loader: 'js' };
    });
  },
};

const common = {
  absWorkingDir: root,
  outdir: resolve(root, 'out/cli'),
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: false,
  sourcemap: false,
  legalComments: 'none',
  external: ['@napi-rs/keyring', 'better-sqlite3-multiple-ciphers', 'electron'],
  // CommonJS dependencies inside an ESM bundle need require().
  banner: { js: "import { createRequire as __tesseraCreateRequire } from 'node:module'; const require = __tesseraCreateRequire(import.meta.url);" },
  logLevel: 'warning',
  metafile: true,
};

/**
 * The token fast path (src-cli/token-fast.ts) is one file of its own, out/cli/token-fast.mjs:
 * a cached `tessera token` then loads three small files instead of some thirty chunks, and
 * each module Node loads costs start-up time. The entry imports it by that name.
 */
const FAST_PATH = 'token-fast.mjs';
const fastPathByName = {
  name: 'token-fast-by-name',
  setup(b) {
    b.onResolve({ filter: /^\.\/token-fast\.js$/ }, () => ({ path: `./${FAST_PATH}`, external: true }));
  },
};

/**
 * In the fast path's own file, the only lazy module of Tessera's it loads is the core's
 * cached-token composition (Node's own modules load as usual). Any other lazy import (the zod schema a refused config.json needs, the file
 * vault, the full core) is left out and fails when reached: the fast path then declines and
 * the full program, from the main bundle, does the work with its usual errors.
 */
const fastPathOnly = {
  name: 'token-fast-only',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind !== 'dynamic-import' || args.path.startsWith('node:') || /[\\/]tokens[\\/]cached\.js$/.test(args.path)) return undefined;
      return { path: args.path, namespace: 'not-on-the-token-fast-path' };
    });
    b.onLoad({ filter: /.*/, namespace: 'not-on-the-token-fast-path' }, (args) => ({
      contents: `throw new Error(${JSON.stringify(`${args.path} is not part of the token fast path`)});`,
      loader: 'js',
    }));
  },
};

const [main, fast] = await Promise.all([
  // The cache writer runs on a worker thread of its own (src-core/cache/writer.ts), from the same chunks.
  build({ ...common, entryPoints: { tessera: resolve(root, 'src-cli/main.ts'), 'cache-writer': resolve(root, 'src-core/cache/writer-worker.ts') }, splitting: true, plugins: [builtinsOnFirstUse, zodEnglishOnly, fastPathByName] }),
  build({ ...common, entryPoints: { [FAST_PATH.replace(/\.mjs$/, '')]: resolve(root, 'src-cli/token-fast.ts') }, splitting: false, plugins: [builtinsOnFirstUse, fastPathOnly] }),
]);
// Which sources each file holds (paths relative to the repository): for bundle analysis,
// and for the test that checks what a cached `tessera token` loads (cli-token.test.ts).
const metafile = { inputs: { ...main.metafile.inputs, ...fast.metafile.inputs }, outputs: { ...main.metafile.outputs, ...fast.metafile.outputs } };
writeFileSync(resolve(root, 'out/cli/meta.json'), JSON.stringify(metafile));

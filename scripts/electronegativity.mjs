#!/usr/bin/env node
/**
 * Electron security scan (Doyensec's electronegativity) over the main and preload
 * sources and the renderer's index.html, checked against the accepted findings in
 * security/electronegativity-accepted.json. Exits non-zero on any finding that has no
 * written justification there, and on any file the scanner could not parse (a file it
 * cannot read is a blind spot, not a pass).
 *
 * The global checks (CSP, navigation limits, permission handler) look at the whole
 * input at once, so the sources and the HTML are staged into one directory.
 * The package's CLI is run through its programmatic runner with the CLI's options
 * (`-e 45.0.0 -r -o <csv>`): its bin resolves the project's commander 14, whose API
 * it predates, and exits before scanning.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { readJson } from './lib/json.mjs';

const root = resolve(import.meta.dirname, '..');
const ELECTRON_VERSION = '45.0.0';
const ACCEPTED_FILE = join(root, 'security', 'electronegativity-accepted.json');
const SOURCES = [
  { from: join(root, 'src-main'), to: 'src-main', filter: (f) => /\.(ts|js|cjs|mjs)$/.test(f) },
  { from: join(root, 'src-renderer', 'index.html'), to: join('src-renderer', 'index.html') },
];

function stage() {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-electronegativity-'));
  for (const source of SOURCES) {
    if (!existsSync(source.from)) continue;
    cpSync(source.from, join(dir, source.to), {
      recursive: true,
      filter: (f) => !source.filter || !/\.[a-z]+$/.test(f) || source.filter(f),
    });
  }
  return dir;
}

function loadAccepted() {
  const data = readJson(ACCEPTED_FILE);
  const entries = data.accepted ?? [];
  for (const e of entries) {
    if (!e.check || !e.file || typeof e.justification !== 'string' || e.justification.trim().length < 20) {
      throw new Error(`Accepted finding without a check, file and written justification: ${JSON.stringify(e)}`);
    }
  }
  return entries;
}

const matches = (entry, issue) => entry.check === issue.id && entry.file === issue.file;

async function main() {
  const started = Date.now();
  const dir = stage();
  // The report goes outside the scanned tree: the runner may still be flushing it when
  // its promise settles, and it must not be counted or scanned as input.
  const outDir = mkdtempSync(join(tmpdir(), 'tessera-electronegativity-out-'));
  const csv = join(outDir, 'electronegativity.csv');
  process.on('exit', () => {
    for (const d of [dir, outDir]) {
      try { rmSync(d, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 }); } catch { /* best effort at exit */ }
    }
  });
  const require = createRequire(import.meta.url);
  const run = require('@doyensec/electronegativity/dist/runner.js');
  // The runner's banner lines ("No connectivity?" when it cannot fetch Electron's
  // release list) are noise here: the version is given explicitly.
  const log = console.log;
  const warn = console.warn;
  let result;
  try {
    console.log = () => undefined;
    console.warn = () => undefined;
    result = await run(
      {
        input: dir,
        output: csv,
        isSarif: false,
        customScan: [],
        excludeFromScan: [],
        isRelative: true,
        isVerbose: false,
        electronUpgrade: undefined,
        electronVersionOverride: ELECTRON_VERSION,
        parserPlugins: [],
      },
      false,
    );
  } finally {
    console.log = log;
    console.warn = warn;
  }
  const scanned = countFiles(dir);

  const accepted = loadAccepted();
  const issues = result.issues.map((i) => ({ ...i, file: i.file.split('\\').join('/') }));
  const unexplained = issues.filter((i) => !accepted.some((e) => matches(e, i)));
  const explained = issues.filter((i) => accepted.some((e) => matches(e, i)));
  const stale = accepted.filter((e) => !issues.some((i) => matches(e, i)));
  const parseErrors = result.errors.filter((e) => !e.tolerable);

  console.log(`electronegativity: ${scanned} files, Electron ${ELECTRON_VERSION}, ${result.atomicChecks} atomic + ${result.globalChecks} global checks, ${((Date.now() - started) / 1000).toFixed(1)} s`);
  for (const i of explained) {
    const entry = accepted.find((e) => matches(e, i));
    console.log(`  accepted  ${i.id}  ${i.file}:${i.location.line}  (${i.severity.name}/${i.confidence.name}) — ${entry.justification}`);
  }
  for (const e of stale) console.log(`  note      accepted finding no longer reported (remove it): ${e.check} ${e.file}`);
  for (const e of parseErrors) console.log(`  ERROR     could not parse ${relative(dir, e.file)}: ${e.message}`);
  for (const i of unexplained) {
    console.log(`  FINDING   ${i.id}  ${i.file}:${i.location.line}:${i.location.column}  (${i.severity.name}/${i.confidence.name}${i.manualReview ? ', review' : ''})`);
    console.log(`            ${i.description}`);
    if (i.sample) console.log(`            ${String(i.sample).slice(0, 200)}`);
  }
  if (unexplained.length || parseErrors.length) {
    console.log(`electronegativity: ${unexplained.length} unexplained finding(s), ${parseErrors.length} unparsed file(s). Fix them, or justify each in ${relative(root, ACCEPTED_FILE)}.`);
    process.exit(1);
  }
  console.log(`electronegativity: no unexplained findings (${explained.length} accepted).`);
}

function countFiles(dir) {
  let n = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) n += entry.isDirectory() ? countFiles(join(dir, entry.name)) : 1;
  return n;
}

main().catch((error) => {
  console.error(`electronegativity: the scan failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

#!/usr/bin/env node
/**
 * `npm test`: every check and suite, then one closing line `N passed, N failed, N skipped`.
 *
 * The outer run starts a private D-Bus session with an unlocked gnome-keyring and a
 * temporary HOME, so no test ever touches a real keyring, then re-runs itself inside.
 * Static checks (typecheck, lint, dependency rules, build, Electron scan) count as one
 * test each; Vitest and Playwright counts come from their JSON reporters; the secret
 * scan runs last, over every data directory and log the run produced.
 *
 *   npm test                       everything
 *   npm test -- --skip-static      suites only (while iterating)
 *   npm test -- <vitest filter>    only the Vitest files matching the filter (no e2e)
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readJson } from './lib/json.mjs';

const root = resolve(import.meta.dirname, '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const args = process.argv.slice(2);
const skipStatic = args.includes('--skip-static');
const filters = args.filter((a) => !a.startsWith('--'));

function which(cmd) {
  return spawnSync('bash', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).status === 0;
}

if (process.env.TESSERA_TEST_INNER !== '1') {
  const missing = ['dbus-run-session', 'gnome-keyring-daemon'].filter((c) => !which(c));
  if (missing.length) {
    console.error(`Missing system packages for the keychain tests: ${missing.join(', ')}.`);
    console.error('Install them with: apt-get install gnome-keyring dbus dbus-x11 libsecret-1-0 (see .ci/run).');
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
  const home = mkdtempSync(join(tmpdir(), 'tessera-test-home-'));
  const testRoot = mkdtempSync(join(tmpdir(), 'tessera-test-root-'));
  const env = { ...process.env, HOME: home, TESSERA_TEST_INNER: '1', TESSERA_TEST_ROOT: testRoot };
  for (const k of ['XDG_DATA_HOME', 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME', 'XDG_RUNTIME_DIR', 'DBUS_SESSION_BUS_ADDRESS', 'TESSERA_HOME']) delete env[k];
  const script = 'echo -n tessera-test-keyring | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; exec node scripts/test.mjs "$@"';
  const child = spawn('dbus-run-session', ['--', 'bash', '-c', script, 'bash', ...args], { cwd: root, env, stdio: ['ignore', 'inherit', 'pipe'] });
  child.stderr.on('data', (chunk) => {
    const text = String(chunk).split('\n').filter((l) => !l.includes('Failed to set fd limit')).join('\n');
    if (text.trim()) process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
  });
  child.on('exit', (code, signal) => {
    if (!process.env.TESSERA_KEEP_TEST_ROOT) {
      rmSync(home, { recursive: true, force: true });
      rmSync(testRoot, { recursive: true, force: true });
    }
    process.exit(signal ? 1 : (code ?? 1));
  });
} else {
  await inner();
}

async function inner() {
  const testRoot = process.env.TESSERA_TEST_ROOT;
  const resultsDir = join(testRoot, 'results');
  const logsDir = join(testRoot, 'logs');
  mkdirSync(resultsDir, { recursive: true });
  mkdirSync(logsDir, { recursive: true });
  const totals = { passed: 0, failed: 0, skipped: 0 };
  const failures = [];

  /** Runs a command, echoing its output and teeing it into a log file the secret scan reads. */
  function run(label, cmd, cmdArgs, extraEnv = {}) {
    return new Promise((resolveRun) => {
      const log = createWriteStream(join(logsDir, `${label.replace(/\W+/g, '-')}.log`));
      const started = Date.now();
      const child = spawn(cmd, cmdArgs, { cwd: root, env: { ...process.env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.on('data', (d) => { process.stdout.write(d); log.write(d); });
      child.stderr.on('data', (d) => { process.stderr.write(d); log.write(d); });
      child.on('exit', (code) => {
        log.end();
        console.log(`--- ${label}: ${code === 0 ? 'ok' : `failed (exit ${code})`} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
        resolveRun(code ?? 1);
      });
    });
  }

  async function check(label, cmd, cmdArgs) {
    const code = await run(label, cmd, cmdArgs);
    if (code === 0) totals.passed += 1;
    else { totals.failed += 1; failures.push(label); }
    return code;
  }

  function countVitest(file, label) {
    if (!existsSync(file)) { totals.failed += 1; failures.push(`${label} (no report)`); return; }
    const r = readJson(file);
    totals.passed += r.numPassedTests;
    totals.failed += r.numFailedTests;
    totals.skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
    // A file that failed to load has no tests but is a failure.
    const broken = (r.testResults ?? []).filter((t) => t.status === 'failed' && (t.assertionResults ?? []).length === 0);
    totals.failed += broken.length;
    if (r.numFailedTests || broken.length) failures.push(label);
  }

  if (!skipStatic && filters.length === 0) {
    await check('typecheck', bin('tsc'), ['--noEmit', '-p', 'tsconfig.json']);
    await check('lint', bin('eslint'), ['.', '--max-warnings=0']);
    await check('dependency rules', bin('depcruise'), ['--config', '.dependency-cruiser.cjs', 'src-shared', 'src-core', 'src-main', 'src-renderer', 'src-cli', 'sim', 'harness', 'scripts', 'test']);
    if (existsSync(join(root, 'scripts', 'electronegativity.mjs'))) await check('electron security scan', 'node', ['scripts/electronegativity.mjs']);
  }
  // The CLI and e2e suites run the built artefacts.
  if (!skipStatic || !existsSync(join(root, 'out'))) await check('build', 'node', ['scripts/build.mjs']);

  const vitestJson = join(resultsDir, 'vitest.json');
  await run('vitest', bin('vitest'), ['run', '--project', 'node', '--project', 'renderer', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`, ...filters]);
  countVitest(vitestJson, 'vitest');

  const hasE2e = ['e2e', 'electron'].some((d) => existsSync(join(root, 'test', d)) && readdirSync(join(root, 'test', d)).some((f) => f.endsWith('.spec.ts')));
  if (hasE2e && filters.length === 0) {
    const pwJson = join(resultsDir, 'playwright.json');
    await run('playwright', bin('playwright'), ['test', '--reporter=list,json'], { PLAYWRIGHT_JSON_OUTPUT_NAME: pwJson });
    if (existsSync(pwJson)) {
      const report = readJson(pwJson);
      const s = report.stats ?? {};
      totals.passed += (s.expected ?? 0) + (s.flaky ?? 0);
      totals.failed += s.unexpected ?? 0;
      totals.skipped += s.skipped ?? 0;
      if (s.unexpected) failures.push('playwright');
      const errors = report.errors ?? [];
      if (errors.length) { totals.failed += errors.length; failures.push('playwright (load errors)'); }
    } else { totals.failed += 1; failures.push('playwright (no report)'); }
  }

  // Last: no secret that any test used may appear in a data directory or a log.
  if (filters.length === 0) {
    const scanJson = join(resultsDir, 'scan.json');
    await run('secret scan', bin('vitest'), ['run', '--project', 'scan', '--reporter=default', '--reporter=json', `--outputFile.json=${scanJson}`]);
    countVitest(scanJson, 'secret scan');
  }

  if (failures.length) console.log(`\nFailed: ${failures.join(', ')}`);
  console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
  process.exit(totals.failed > 0 ? 1 : 0);
}

#!/usr/bin/env node
/**
 * `npm run bench`: medians and ratios from one run, section by section.
 *
 * Like `npm test`, it re-runs itself inside a private D-Bus session with an unlocked
 * gnome-keyring and a temporary HOME, so it never touches a real keyring. It builds
 * the CLI, starts the simulator as a separate process, adds one profile, then runs
 * each section of SECTIONS; a section returns a small Markdown table. Later issues
 * add sections (sync, search, renderer) as one entry each.
 *
 *   npm run bench                 every section, 15 runs per variant
 *   npm run bench -- --runs 31    more runs
 *   npm run bench -- token        only sections whose title or key matches
 *
 * Numbers are for comparison on one machine; no test asserts wall-clock limits.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpus, tmpdir } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { root, startSimProcess, tempDir, timeSpawn } from './bench/lib.mjs';
import { cachedToken, freshMint } from './bench/token.mjs';
import { renderer } from './bench/renderer.mjs';
import { cacheSync, cacheSearch, cacheSyncReports } from './bench/cache.mjs';

/** One line per section; a new section is a new entry. */
const SECTIONS = { cachedToken, freshMint, renderer, cacheSync, cacheSearch, cacheSyncReports };

const args = process.argv.slice(2);
const runsArg = args.indexOf('--runs');
const runs = runsArg >= 0 ? Number(args[runsArg + 1]) : 15;
const filters = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--runs');

const which = (cmd) => spawnSync('bash', ['-c', `command -v ${cmd}`]).status === 0;

if (process.env.TESSERA_BENCH_INNER !== '1' && which('dbus-run-session') && which('gnome-keyring-daemon')) {
  const home = mkdtempSync(join(tmpdir(), 'tessera-bench-home-'));
  const env = { ...process.env, HOME: home, TESSERA_BENCH_INNER: '1' };
  for (const k of ['XDG_DATA_HOME', 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME', 'XDG_RUNTIME_DIR', 'DBUS_SESSION_BUS_ADDRESS', 'TESSERA_HOME', 'TESSERA_SECRET_BACKEND']) delete env[k];
  const script = 'echo -n tessera-bench-keyring | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; exec node scripts/bench.mjs "$@"';
  const child = spawn('dbus-run-session', ['--', 'bash', '-c', script, 'bash', ...args], { cwd: root, env, stdio: ['ignore', 'inherit', 'pipe'] });
  child.stderr.on('data', (chunk) => {
    const text = String(chunk).split('\n').filter((l) => !l.includes('Failed to set fd limit')).join('\n');
    if (text.trim()) process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
  });
  child.on('exit', (code, signal) => {
    rmSync(home, { recursive: true, force: true });
    process.exit(signal ? 1 : (code ?? 1));
  });
} else {
  if (process.env.TESSERA_BENCH_INNER !== '1') console.error('bench: dbus-run-session or gnome-keyring-daemon missing; using the current session\'s keyring.');
  await inner();
}

async function inner() {
  const build = await timeSpawn('node', ['scripts/build-cli.mjs']);
  if (build.code !== 0) throw new Error(`CLI build failed:\n${build.stderr}`);

  const keyDir = tempDir('keys');
  const home = tempDir('data');
  const sim = await startSimProcess({ keyDir });
  const env = { ...process.env, TESSERA_HOME: home };
  for (const k of Object.keys(env)) if (/^(https?|all|no)_proxy$/i.test(k)) delete env[k];
  const ctx = {
    sim,
    runs,
    profile: 'bench',
    tessera: (cliArgs) => timeSpawn('node', [join(root, 'bin', 'tessera'), ...cliArgs], { env }),
  };
  try {
    const add = await ctx.tessera(['profile', 'add', ctx.profile, '--domain', sim.domain, '--region', 'us', '--ica-url', sim.icaBaseUrl, '--tss-url', sim.tssBaseUrl, '--api-key-file', sim.keyFile]);
    if (add.code !== 0) throw new Error(`profile add failed: ${add.stderr.trim()}`);

    console.log(`# Tessera bench: Node ${process.versions.node}, ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'cpu'}, ${runs} runs per variant (interleaved, after 2 warm-up rounds)\n`);
    for (const [key, section] of Object.entries(SECTIONS)) {
      if (filters.length && !filters.some((f) => key.toLowerCase().includes(f.toLowerCase()) || section.title.toLowerCase().includes(f.toLowerCase()))) continue;
      const started = performance.now();
      const text = await section.run(ctx);
      console.log(`## ${section.title}\n\n${text}\n\n(${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
    }
  } finally {
    await sim.stop();
    rmSync(home, { recursive: true, force: true });
    rmSync(keyDir, { recursive: true, force: true });
  }
}

/**
 * Helpers for `npm run bench`: timing child processes, medians, small tables, and
 * the simulator started as its own process (so it does not share the bench's event
 * loop). Never prints a token or a key: child output is read and discarded.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const root = resolve(import.meta.dirname, '..', '..');

/**
 * The environment a timed child gets: `env` without NODE_EXTRA_CA_CERTS. A machine that
 * sets it makes every Node start read and parse that CA bundle (about 30 ms here), a
 * constant that would flatter every ratio against a bare Node start.
 */
export function timedEnv(env = process.env) {
  const { NODE_EXTRA_CA_CERTS: _ignored, ...rest } = env;
  return rest;
}

/** GNU time, which reports a child's peak resident set size; null when this machine has none. */
const GNU_TIME = ['/usr/bin/time', '/bin/time'].find((p) => existsSync(p)) ?? null;
let rssDir;

/**
 * Runs a command to completion; resolves with its exit code, wall time and output (kept in
 * memory only). Every child runs with timedEnv(env). With `rss: true` it runs under GNU time
 * and the result also has `rssKiB`, the child's peak resident set size (null without GNU
 * time); the wall time then includes GNU time's own start (about a millisecond), so time
 * the variants of one comparison alike.
 */
export function timeSpawn(cmd, args, { env = process.env, cwd = root, rss = false } = {}) {
  let rssFile = null;
  if (rss && GNU_TIME) {
    if (!rssDir) {
      const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-rss-'));
      process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
      rssDir = dir;
    }
    rssFile = join(rssDir, `${process.pid}-${randomBytes(6).toString('hex')}`);
    [cmd, args] = [GNU_TIME, ['-f', '%M', '-o', rssFile, cmd, ...args]];
  }
  return new Promise((resolveRun, reject) => {
    const started = performance.now();
    const child = spawn(cmd, args, { cwd, env: timedEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    child.once('error', reject);
    child.once('close', (code) => {
      const ms = performance.now() - started;
      if (!rss) return resolveRun({ code, ms, stdout, stderr });
      let rssKiB = null;
      if (rssFile) {
        // GNU time writes "Command exited with non-zero status N" before the number when the child fails.
        const last = readFileSync(rssFile, 'utf8').trim().split('\n').pop();
        rmSync(rssFile, { force: true });
        rssKiB = Number.parseInt(last ?? '', 10);
        if (!Number.isFinite(rssKiB)) rssKiB = null;
      }
      resolveRun({ code, ms, stdout, stderr, rssKiB });
    });
  });
}

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * Runs each variant `runs` times, interleaved (A B C A B C …) so that drift in machine
 * load affects every variant alike. `check(result)` throws if a run did not do what it
 * should (a failing command must not be timed as a fast one).
 */
export async function compare(variants, { runs, warmup = 2 }) {
  const samples = variants.map(() => []);
  const rss = variants.map(() => []);
  for (let round = -warmup; round < runs; round += 1) {
    for (const [i, v] of variants.entries()) {
      const result = await v.run();
      v.check?.(result);
      if (round < 0) continue;
      samples[i].push(result.ms);
      if (typeof result.rssKiB === 'number') rss[i].push(result.rssKiB);
    }
  }
  return variants.map((v, i) => ({
    label: v.label,
    samples: samples[i],
    median: median(samples[i]),
    min: Math.min(...samples[i]),
    max: Math.max(...samples[i]),
    // The largest peak over the runs (runs measured with timeSpawn's `rss: true`).
    ...(rss[i].length ? { rssMiB: Math.max(...rss[i]) / 1024 } : {}),
  }));
}

/** A small Markdown table: label, median, min, max, and the ratio of each median to the baseline's. */
export function table(rows, baselineLabel) {
  const base = rows.find((r) => r.label === baselineLabel) ?? rows[0];
  const withRss = rows.some((r) => r.rssMiB !== undefined);
  const header = ['run', 'median ms', 'min ms', 'max ms', `× ${base.label}`, ...(withRss ? ['peak RSS MiB'] : [])];
  const body = rows.map((r) => [
    r.label,
    r.median.toFixed(1),
    r.min.toFixed(1),
    r.max.toFixed(1),
    (r.median / base.median).toFixed(2),
    ...(withRss ? [r.rssMiB === undefined ? 'n/a' : r.rssMiB.toFixed(0)] : []),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(header), rule, ...body.map(line)].join('\n');
}

export function tempDir(label) {
  return mkdtempSync(join(tmpdir(), `tessera-bench-${label}-`));
}

/**
 * Starts `tsx sim/cli.ts` on a free port. Resolves with its URLs and the demo key
 * (read from the 0600 key file the simulator writes; kept in memory, never printed).
 */
export function startSimProcess({ keyDir, cases = 500 }) {
  return new Promise((resolveSim, reject) => {
    const child = spawn(process.execPath, [join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'sim/cli.ts', '--port', '0', '--cases', String(cases), '--key-dir', keyDir], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the simulator did not start:\n${out}`)), 30_000);
    child.stdout.setEncoding('utf8').on('data', (d) => {
      out += d;
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      const domain = /demo tenant domain\s+(\S+)/.exec(out)?.[1];
      const keyFile = /demo API key file\s+(\S+)/.exec(out)?.[1];
      if (url && domain && keyFile && out.includes('Press Ctrl-C')) {
        clearTimeout(timer);
        resolveSim({
          url,
          icaBaseUrl: `${url}/ica/rest`,
          tssBaseUrl: url,
          domain,
          keyFile,
          apiKey: readFileSync(keyFile, 'utf8').trim(),
          stop: () => new Promise((r) => { child.once('exit', r); child.kill('SIGTERM'); }),
        });
      }
    });
    child.stderr.setEncoding('utf8').on('data', (d) => (out += d));
    child.once('exit', (code) => reject(new Error(`the simulator exited (${code}):\n${out}`)));
  });
}

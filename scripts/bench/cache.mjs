/**
 * Bench sections for the offline cache (issue 3):
 *
 * - cacheSync: `tessera sync` of 100,000 cases into an empty cache (and again with
 *   nothing changed) against a bare paged download of the same pages (same page size,
 *   same three pages in flight, bodies read and dropped), and `tessera cases --search`;
 *   the same at 10,000 cases; the peak RSS of every run, 10k beside 100k.
 * - cacheSearch: search latency p50/p95 over a set of typical queries on the 100k
 *   encrypted cache, against the same queries on an unencrypted copy of it; and the
 *   query "oncology" at 100k against a 10k cache (SMALL_CASES) of the same simulator.
 *
 * - cacheSyncReports: `tessera sync --reports` (and `--reports json+pdf`) of 10,000
 *   cases into an empty cache, as a ratio to the plain `tessera sync` of the same
 *   cases in the same run, and a sync with reports when nothing changed.
 *
 * The simulator runs as its own process with 100,000 cases (TESSERA_BENCH_CASES to
 * change), and the CLI syncs into a private TESSERA_HOME; the search section reuses
 * the cache the sync section left, or syncs once (untimed) when run alone.
 */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { compare, root, startSimProcess, table, tempDir, timedEnv, timeSpawn } from './lib.mjs';

const CASES = Number(process.env.TESSERA_BENCH_CASES ?? 100_000);
/** The smaller simulator of the scale ratios (search, memory). */
const SMALL_CASES = Number(process.env.TESSERA_BENCH_SMALL_CASES ?? 10_000);
const PROFILE = 'bench-cache';
const fmt = (n) => n.toLocaleString('en');

/** The home with a synced cache, shared by both sections within one bench run. */
let synced;

function cleanupLater(dir) {
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
}

function cliIn(home) {
  const env = { ...process.env, TESSERA_HOME: home };
  for (const k of Object.keys(env)) if (/^(https?|all|no)_proxy$/i.test(k)) delete env[k];
  // Every run also reports its peak RSS (GNU time), so memory is read from the same runs.
  return (args) => timeSpawn('node', [join(root, 'bin', 'tessera'), ...args], { env, rss: true });
}

function ok(label) {
  return (r) => {
    if (r.code !== 0) throw new Error(`${label} failed (${r.code}): ${r.stderr.trim().split('\n').slice(-3).join(' ')}`);
  };
}

async function withSim(fn, cases = CASES) {
  const keyDir = tempDir('cache-keys');
  const sim = await startSimProcess({ keyDir, cases });
  try {
    return await fn(sim);
  } finally {
    await sim.stop();
    rmSync(keyDir, { recursive: true, force: true });
  }
}

async function newHome(sim) {
  const home = tempDir('cache-data');
  cleanupLater(home);
  const tessera = cliIn(home);
  const add = await tessera(['profile', 'add', PROFILE, '--domain', sim.domain, '--region', 'us', '--ica-url', sim.icaBaseUrl, '--tss-url', sim.tssBaseUrl, '--api-key-file', sim.keyFile]);
  ok('profile add')(add);
  /** Deletes the cache files (not the directory, nor the key): the next sync fills an empty cache. */
  const emptyCache = () => {
    const cacheDir = join(home, 'cache');
    for (const f of readdirSync(cacheDir, { withFileTypes: true })) if (f.isFile()) rmSync(join(cacheDir, f.name), { force: true });
  };
  return { home, tessera, emptyCache };
}

/** `tessera sync` (empty cache, then nothing changed) and `tessera cases --search` against one simulator of `cases`, interleaved with the bare download. */
async function syncRows(cases, runs) {
  return withSim(async (sim) => {
    const { home, tessera, emptyCache } = await newHome(sim);
    // Creates the cache directory and key once, outside the timings.
    ok('first sync')(await tessera(['sync', PROFILE]));
    const n = fmt(cases);
    const rows = await compare(
      [
        {
          label: `bare paged download, ${n}`,
          run: () => timeSpawn('node', ['scripts/bench/bare-download.mjs', sim.tssBaseUrl, sim.domain, sim.keyFile, '3'], { rss: true }),
          check: ok('bare download'),
        },
        {
          label: `tessera sync, empty cache, ${n}`,
          run: () => {
            emptyCache();
            return tessera(['sync', PROFILE]);
          },
          check: ok('sync'),
        },
        { label: `tessera sync, nothing changed, ${n}`, run: () => tessera(['sync', PROFILE]), check: ok('sync') },
        { label: `tessera cases --search oncology, ${n}`, run: () => tessera(['cases', PROFILE, '--search', 'oncology', '--limit', '50', '--offline']), check: ok('cases --search') },
      ],
      { runs, warmup: 0 },
    );
    return { rows, home };
  }, cases);
}

export const cacheSync = {
  title: `Sync of ${fmt(CASES)} and ${fmt(SMALL_CASES)} cases vs a bare paged download of the same pages, with peak RSS`,
  async run(ctx) {
    // A 100k sync takes seconds: a few rounds are enough to see the ratio.
    const runs = Math.max(1, Math.min(ctx.runs, 3));
    const large = await syncRows(CASES, runs);
    synced = { home: large.home };
    const small = await syncRows(SMALL_CASES, runs);
    const bare = (r) => r.rows[0].label;
    const rssOf = (r, i) => r.rows[i].rssMiB;
    const memory = [
      '| peak RSS MiB | ' + fmt(SMALL_CASES) + ' | ' + fmt(CASES) + ' | × |',
      '|---|---:|---:|---:|',
      ...['bare paged download', 'tessera sync, empty cache', 'tessera sync, nothing changed', 'tessera cases --search oncology'].map((label, i) => {
        const a = rssOf(small, i);
        const b = rssOf(large, i);
        return `| ${label} | ${a?.toFixed(0) ?? 'n/a'} | ${b?.toFixed(0) ?? 'n/a'} | ${a && b ? (b / a).toFixed(2) : 'n/a'} |`;
      }),
    ].join('\n');
    return [
      table(large.rows, bare(large)),
      table(small.rows, bare(small)),
      memory,
      `Every run includes a Node start (without NODE_EXTRA_CA_CERTS). The sync checks every page (the hand-written twin of the schema), prepares its rows and hands them to the cache writer thread, which writes 2,000 cases per transaction into the encrypted cache (FTS index, tags, facets); a page whose body is the one stored last time is only marked seen. Peak RSS is the largest of the runs (GNU time). ${runs} run(s) each, interleaved.`,
    ].join('\n\n');
  },
};


export const cacheSearch = {
  title: `Search latency at ${fmt(CASES)} cases: encrypted cache vs an unencrypted copy, and vs ${fmt(SMALL_CASES)} cases`,
  async run(ctx) {
    if (!synced) {
      await withSim(async (sim) => {
        const { home, tessera } = await newHome(sim);
        ok('sync')(await tessera(['sync', PROFILE]));
        synced = { home };
      });
    }
    // The small cache of the scale ratio, built the same way (its own simulator, a sync).
    const small = await withSim(async (sim) => {
      const { home, tessera } = await newHome(sim);
      ok('sync')(await tessera(['sync', PROFILE]));
      return home;
    }, SMALL_CASES);
    const rounds = Math.max(5, ctx.runs);
    const r = await timeSpawn(process.execPath, ['--import', 'tsx', 'scripts/bench/cache-search.ts', synced.home, PROFILE, String(rounds), small], { env: timedEnv() });
    ok('search bench')(r);
    const result = JSON.parse(r.stdout.trim().split('\n').at(-1));
    const { encrypted: e, plain: p } = result;
    const header = ['variant', 'p50 ms', 'p95 ms', 'max ms', '× unencrypted p50', '× unencrypted p95'];
    const body = [
      ['unencrypted copy', p.p50, p.p95, p.max, 1, 1],
      ['encrypted cache (SQLCipher pages)', e.p50, e.p95, e.max, e.p50 / p.p50, e.p95 / p.p95],
    ].map(([label, ...nums]) => [label, ...nums.map((n, i) => n.toFixed(i < 3 ? 2 : 2))]);
    const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
    const line = (cells) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
    const rule = `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
    const sc = result.scale;
    const scaleRow = (label, cases, hits, s) => [label, fmt(cases), fmt(hits), s.p50.toFixed(2), s.p95.toFixed(2), s.max.toFixed(2)];
    const scaleRows = [
      ['search', 'cases', 'hits', 'p50 ms', 'p95 ms', 'max ms'],
      ['---', '---:', '---:', '---:', '---:', '---:'],
      scaleRow('page and total (a keystroke)', sc.largeCases, sc.largeHits, sc.large),
      scaleRow('page and total (a keystroke)', sc.smallCases, sc.smallHits, sc.small),
      scaleRow('with facet counts, counted afresh', sc.largeCases, sc.largeHits, sc.largeFull),
      scaleRow('with facet counts, counted afresh', sc.smallCases, sc.smallHits, sc.smallFull),
    ].map((cells) => `| ${cells.join(' | ')} |`);
    const ratio = (a, b) => `${(a.p50 / b.p50).toFixed(2)}× (p95 ${(a.p95 / b.p95).toFixed(2)}×)`;
    const scaleText = `Query "${sc.query}", limit 50, ${sc.large.n} timings of each, interleaved. p50 ${fmt(sc.largeCases)} / ${fmt(sc.smallCases)} cases: a keystroke ${ratio(sc.large, sc.small)}; with facet counts ${ratio(sc.largeFull, sc.smallFull)}.`;
    return `${[line(header), rule, ...body.map(line)].join('\n')}\n\n${scaleRows.join('\n')}\n\n${scaleText}\n\n${fmt(result.cases)} cases; ${result.queries} queries (as-you-type prefixes, facet filters, sorts, a deep page), each with total and facet counts (counted afresh), limit 50; ${e.n} timings per variant, interleaved, after one warm-up round.`;
  },
};

const REPORT_CASES = Number(process.env.TESSERA_BENCH_REPORT_CASES ?? 10_000);

export const cacheSyncReports = {
  title: `Sync with case reports at ${fmt(REPORT_CASES)} cases vs the plain sync of the same cases`,
  async run(ctx) {
    const runs = Math.max(1, Math.min(ctx.runs, 3));
    return withSim(async (sim) => {
      const { tessera, emptyCache } = await newHome(sim);
      ok('first sync')(await tessera(['sync', PROFILE]));
      const fresh = (args) => () => {
        emptyCache();
        return tessera(args);
      };
      const rows = await compare(
        [
          { label: 'tessera sync, empty cache', run: fresh(['sync', PROFILE]), check: ok('sync') },
          { label: 'sync --reports, empty cache', run: fresh(['sync', PROFILE, '--reports']), check: ok('sync --reports') },
          { label: 'sync --reports json+pdf, empty cache', run: fresh(['sync', PROFILE, '--reports', 'json+pdf']), check: ok('sync --reports json+pdf') },
          { label: 'sync --reports, nothing changed', run: () => tessera(['sync', PROFILE, '--reports']), check: ok('sync --reports') },
        ],
        { runs, warmup: 0 },
      );
      return `${table(rows, 'tessera sync, empty cache')}\n\nThe reports cost one request per active case (inactive ones are not asked), four in flight, each report validated and written with its index row, 200 reports per transaction; json+pdf adds one request per report type of each case with a report. A sync with nothing changed asks for no report. ${runs} run(s) each, interleaved.`;
    }, REPORT_CASES);
  },
};

/**
 * Bench sections for the foundation: how much `tessera token` costs next to what it
 * cannot avoid (starting Node and reading the keychain; one HTTP round trip to mint).
 * Every child runs without NODE_EXTRA_CA_CERTS (lib.mjs timedEnv).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tsImport } from 'tsx/esm/api';
import { compare, median, root, table, timeSpawn } from './lib.mjs';

const node = process.execPath;
const FLOOR_SCRIPT = join(root, 'scripts', 'bench', 'keychain-read.mjs');

function expectToken(result) {
  if (result.code !== 0 || !result.stdout.startsWith('eyJ')) {
    throw new Error(`tessera token failed (exit ${result.code}): ${result.stderr.trim()}`);
  }
}

function expectOk(result) {
  if (result.code !== 0) throw new Error(`exit ${result.code}: ${result.stderr.trim()}`);
}

/**
 * The bench profile's data directory and the keychain entry a cached `tessera token
 * <profile>` reads: the profile's token slot, named by the core's own rule.
 */
async function tokenEntry(ctx) {
  const doctor = await ctx.tessera(['doctor', '--json']);
  const { dataDir } = JSON.parse(doctor.stdout);
  const config = JSON.parse(readFileSync(join(dataDir, 'config.json'), 'utf8'));
  const profile = config.profiles.find((p) => p.name === ctx.profile);
  if (!profile) throw new Error(`profile ${ctx.profile} is not in ${dataDir}/config.json`);
  const { accounts, SECRET_SERVICE } = await tsImport('../../src-core/secrets/accounts.ts', import.meta.url);
  return { dataDir, entry: [SECRET_SERVICE, accounts.token({ id: profile.id, name: profile.name })] };
}

const mib = (kib) => (kib === null ? 'n/a (no GNU time)' : (kib / 1024).toFixed(1));

/** `tessera token <p>` served from the keychain cache vs its floor (Node + the keychain module + one read) and a bare Node start. */
export const cachedToken = {
  title: 'tessera token served from the cache vs its floor (Node, the keychain module, one read)',
  async run(ctx) {
    // Prime the cache and make sure the timed runs really are cache hits.
    const probe = await ctx.tessera(['token', ctx.profile, '--format', 'json']);
    expectOk(probe);
    if (JSON.parse(probe.stdout).source !== 'cache') throw new Error('the token was not served from the cache');
    const { dataDir, entry } = await tokenEntry(ctx);
    const floorLabel = 'floor: node keychain-read.mjs (one keychain read)';
    const tokenLabel = `tessera token ${ctx.profile} (cache)`;
    const rows = await compare(
      [
        { label: 'node -e ""', run: () => timeSpawn(node, ['-e', '']), check: expectOk },
        // Exits 1 when the entry is empty: the floor must read the very entry the CLI reads.
        { label: floorLabel, run: () => timeSpawn(node, [FLOOR_SCRIPT, ...entry]), check: expectOk },
        { label: 'tessera --version', run: () => ctx.tessera(['--version']), check: expectOk },
        { label: tokenLabel, run: () => ctx.tessera(['token', ctx.profile]), check: expectToken },
      ],
      { runs: ctx.runs },
    );

    // Peak RSS in runs of their own (under GNU time), so the timed runs above stay unwrapped.
    const rssOf = async (run, check) => {
      const kib = [];
      for (let i = 0; i < 5; i += 1) {
        const r = await run();
        check(r);
        if (r.rssKiB === null) return null;
        kib.push(r.rssKiB);
      }
      return median(kib);
    };
    // A cache hit makes no request, so the data directory is all of the bench's CLI environment it needs.
    const tokenEnv = { ...process.env, TESSERA_HOME: dataDir };
    const rss = [
      ['node -e ""', await rssOf(() => timeSpawn(node, ['-e', ''], { rss: true }), expectOk)],
      [floorLabel, await rssOf(() => timeSpawn(node, [FLOOR_SCRIPT, ...entry], { rss: true }), expectOk)],
      [tokenLabel, await rssOf(() => timeSpawn(node, [join(root, 'bin', 'tessera'), 'token', ctx.profile], { env: tokenEnv, rss: true }), expectToken)],
    ];
    const rssTable = ['| run | peak RSS MiB (median of 5) |', '|---|---:|', ...rss.map(([label, kib]) => `| ${label} | ${mib(kib)} |`)].join('\n');
    return `${table(rows, floorLabel)}\n\n${rssTable}`;
  },
};

/** A fresh mint through the CLI vs a bare Node fetch of the same endpoint with the same headers. */
export const freshMint = {
  title: 'fresh mint: tessera token --force vs a bare Node fetch of POST /ica/rest/api/tokens',
  async run(ctx) {
    const url = `${ctx.sim.icaBaseUrl}/api/tokens`;
    // The child reads the key from the 0600 file the simulator wrote: never in argv.
    const script = `
      const key = require('node:fs').readFileSync(process.argv[1], 'utf8').trim();
      fetch(process.argv[2], { method: 'POST', headers: { 'X-API-Key': key, Accept: 'application/vnd.illumina.v3+json' } })
        .then(async (r) => { const body = await r.json(); process.exit(r.ok && body.token ? 0 : 1); }, () => process.exit(2));`;
    const inProcess = async () => {
      const started = performance.now();
      const r = await fetch(url, { method: 'POST', headers: { 'X-API-Key': ctx.sim.apiKey, Accept: 'application/vnd.illumina.v3+json' } });
      const body = await r.json();
      return { code: r.ok && body.token ? 0 : 1, ms: performance.now() - started, stdout: '', stderr: `HTTP ${r.status}` };
    };
    const rows = await compare(
      [
        { label: 'node -e "fetch(…)"', run: () => timeSpawn(node, ['-e', script, ctx.sim.keyFile, url]), check: expectOk },
        { label: `tessera token ${ctx.profile} --force`, run: () => ctx.tessera(['token', ctx.profile, '--force']), check: expectToken },
        { label: 'fetch in this process (no start-up)', run: inProcess, check: expectOk },
      ],
      { runs: ctx.runs },
    );
    return table(rows, 'node -e "fetch(…)"');
  },
};

/**
 * Bench sections for the foundation: how much `tessera token` costs next to what it
 * cannot avoid (starting Node; one HTTP round trip to mint).
 */
import { compare, table, timeSpawn } from './lib.mjs';

const node = process.execPath;

function expectToken(result) {
  if (result.code !== 0 || !result.stdout.startsWith('eyJ')) {
    throw new Error(`tessera token failed (exit ${result.code}): ${result.stderr.trim()}`);
  }
}

function expectOk(result) {
  if (result.code !== 0) throw new Error(`exit ${result.code}: ${result.stderr.trim()}`);
}

/** `tessera token <p>` served from the keychain cache vs `node -e ""`. */
export const cachedToken = {
  title: 'tessera token served from the cache vs a bare Node start',
  async run(ctx) {
    // Prime the cache and make sure the timed runs really are cache hits.
    const probe = await ctx.tessera(['token', ctx.profile, '--format', 'json']);
    expectOk(probe);
    if (JSON.parse(probe.stdout).source !== 'cache') throw new Error('the token was not served from the cache');
    const rows = await compare(
      [
        { label: 'node -e ""', run: () => timeSpawn(node, ['-e', '']), check: expectOk },
        { label: 'tessera --version', run: () => ctx.tessera(['--version']), check: expectOk },
        { label: `tessera token ${ctx.profile} (cache)`, run: () => ctx.tessera(['token', ctx.profile]), check: expectToken },
      ],
      { runs: ctx.runs },
    );
    return table(rows, 'node -e ""');
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

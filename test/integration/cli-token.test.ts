/**
 * `tessera token` end to end: the built CLI as a child process, the simulator over
 * HTTP on 127.0.0.1, the real Secret Service. Covers the foundation issue's "Done
 * when": cached token reuse, re-mint near expiry, 429 retried, a revoked key, Basic
 * refresh through `:refresh`, and 50 concurrent CLI processes sharing one mint.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordSecret } from '../helpers/env.js';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Sim } from '../../sim/index.js';
import { EXIT_CODES, exitCodeFor } from '../../src-shared/errors.js';
import { CLI_FORMAT_IDS } from '../../src-shared/token-formats.js';
import { assertNoSecrets, BUNDLE_META, Cli, cliSuite, collect, jwtClaims, profileFlags, readConfig, runInTerminal, sameSecret } from './cli-harness.js';

let sim: Sim;
const suite = cliSuite();
const newCli = suite.newCli;

beforeAll(async () => {
  sim = suite.sim;
});

afterEach(() => {
  sim.faults.clear();
  sim.setTokenLifetime(3600);
});

async function addKeyProfile(cli: Cli, name = 'lab', extra: string[] = [], key = sim.demo.apiKey): Promise<void> {
  const r = await cli.run(['profile', 'add', name, ...profileFlags(sim, extra), '--api-key-stdin'], { input: `${key}\n` });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
}

const mintRequests = (): number => sim.requests.filter((q) => q.method === 'POST' && q.path === '/ica/rest/api/tokens').length;

interface TokenJson {
  token: string;
  expiresAt: string;
  source: string;
}

describe('tessera token', () => {
  it('adds a profile, then serves the token minted while verifying from the keychain cache, with no second mint', async () => {
    const cli = newCli('token-cache');
    const before = sim.mintCount();
    await addKeyProfile(cli);
    // `profile add` verifies the key with one mint and keeps that token.
    expect(sim.mintCount() - before).toBe(1);

    const first = await cli.run(['token', 'lab', '--format', 'json']);
    expect(first.code).toBe(0);
    expect(first.stderr).toBe('');
    const a = JSON.parse(first.stdout) as TokenJson;
    expect(a.source).toBe('cache');
    expect(Object.keys(a).sort()).toEqual(['expiresAt', 'source', 'token']);
    expect(Date.parse(a.expiresAt)).toBeGreaterThan(Date.now() + 3000_000);

    const second = await cli.run(['token', 'lab']);
    expect(second.code).toBe(0);
    expect(sameSecret(second.stdout, `${a.token}\n`), 'the second call printed another token').toBe(true);
    expect(sim.mintCount() - before).toBe(1);
  });

  it('serves a cached token without loading commander, the CLI program or its composition of the core, zod, the offline cache, sync, the doctor, the file vault, the icav2 import and its YAML parser, undici or the profile-change schemas', async () => {
    const cli = newCli('token-modules');
    await addKeyProfile(cli);
    // NODE_DEBUG=esm,module makes Node name every module it loads (stderr); the build's
    // metafile says which sources each chunk of out/cli holds.
    const r = await cli.run(['token', 'lab', '--format', 'json'], { env: { NODE_DEBUG: 'esm,module' } });
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as TokenJson).source).toBe('cache');
    const meta = JSON.parse(readFileSync(BUNDLE_META, 'utf8')) as { outputs: Record<string, { inputs: Record<string, unknown> }> };
    const chunks = new Set([...r.stderr.matchAll(/\/out\/cli\/([\w-]+\.mjs)/g)].map((m) => `out/cli/${m[1]}`));
    const sources = [...chunks].flatMap((chunk) => Object.keys(meta.outputs[chunk]?.inputs ?? {}));
    // The trace shows the token path itself, so an empty trace cannot pass.
    expect(sources).toContain('src-core/tokens/service.ts');
    expect(r.stderr).toMatch(/@napi-rs[\\/]keyring/);
    const unneeded =
      /src-core\/(cache\/service|cache\/store|sync\/|tss\/|doctor|secrets\/file-vault|import\/|tessera\.ts)|src-cli\/(program|compose)\.ts|src-shared\/(schemas|base-schemas|snippets|zod)\.ts|node_modules\/(commander|undici|yaml|zod)\//;
    expect(sources.filter((s) => unneeded.test(s))).toEqual([]);
    expect(r.stderr).not.toMatch(/better-sqlite3/);
  });

  it('prints a cached token exactly as the full program does, in every format (the fast path and the program agree)', async () => {
    const cli = newCli('token-parity');
    await addKeyProfile(cli);
    for (const format of CLI_FORMAT_IDS) {
      const fast = await cli.run(['token', 'lab', '--format', format]);
      // `--min-ttl 300` (the default) is an option the fast path leaves to the program.
      const program = await cli.run(['token', '--min-ttl', '300', `--format=${format}`, 'lab']);
      expect([fast.code, program.code, fast.stderr, program.stderr]).toEqual([0, 0, '', '']);
      expect(sameSecret(fast.stdout, program.stdout), `--format ${format}`).toBe(true);
    }
  });

  it('a config.json the schema refuses is set aside even when a fresh token is cached (exit 1, nothing on stdout)', async () => {
    const cli = newCli('token-bad-config');
    await addKeyProfile(cli);
    const config = readConfig(cli.home) as unknown as { profiles: Array<Record<string, unknown>> };
    // Well-formed JSON, one field the schema refuses: the token must not be served from it.
    writeFileSync(join(cli.home, 'config.json'), JSON.stringify({ ...config, profiles: [{ ...config.profiles[0], region: 'mars' }] }));
    const r = await cli.run(['token', 'lab']);
    expect(r.code).toBe(EXIT_CODES.failure);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^tessera: The profiles file .*config\.json could not be read \(.*region.*\)\. It was moved aside/);
  });

  it('a data directory open to others is made private before a cached token is served', async () => {
    const cli = newCli('token-open-dir');
    await addKeyProfile(cli);
    chmodSync(cli.home, 0o755);
    const r = await cli.run(['token', 'lab', '--format', 'json']);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as TokenJson).source).toBe('cache');
    expect(statSync(cli.home).mode & 0o777).toBe(0o700);
  });

  it('tells a person at a terminal, on stderr, where the token came from, from the cache and when minted', async () => {
    const cli = newCli('token-terminal');
    await addKeyProfile(cli);
    const cached = await runInTerminal(cli, ['token', 'lab'], []);
    expect(cached.code).toBe(0);
    expect(cached.screen).toMatch(/^eyJ[\w.-]+\r?\ntessera: token for lab from the cache, expires in (\d+ h )?\d+ min\r?\n$/);
    const minted = await runInTerminal(cli, ['token', 'lab', '--force'], []);
    expect(minted.code).toBe(0);
    expect(minted.screen).toMatch(/\ntessera: token for lab minted, expires in (\d+ h )?\d+ min\r?\n$/);
  });

  it('ends with 0 and says nothing when the reader of a cached token has gone away (`| head -c 0`)', async () => {
    const cli = newCli('token-epipe');
    await addKeyProfile(cli);
    const child = cli.spawn(['token', 'lab']);
    child.stdout?.destroy();
    const r = await collect(child, 20_000);
    expect([r.code, r.signal, r.stderr]).toEqual([0, null, '']);
  });

  it('asks a keychain that fails only once per command: the fast path hands its failure to the program, which reports it', async () => {
    const cli = newCli('token-keychain-once');
    await addKeyProfile(cli);
    // A session bus that accepts connections and hangs up at once: every keychain call fails, and each attempt is counted.
    const dir = mkdtempSync(join(tmpdir(), 'tessera-bus-'));
    const socket = join(dir, 'bus');
    let attempts = 0;
    const bus = createServer((c) => {
      attempts += 1;
      c.destroy();
    });
    await new Promise<void>((resolve) => bus.listen(socket, resolve));
    try {
      const env = { DBUS_SESSION_BUS_ADDRESS: `unix:path=${socket}` };
      // --min-ttl is not one of the fast path's options: this call runs the program alone.
      const program = await cli.run(['token', 'lab', '--min-ttl', '300'], { env });
      const programAttempts = attempts;
      attempts = 0;
      const r = await cli.run(['token', 'lab'], { env });
      expect(r.code).toBe(program.code);
      expect(r.code).toBe(exitCodeFor('KEYCHAIN_UNAVAILABLE'));
      expect(r.stderr).toBe(program.stderr);
      expect(r.stderr.match(/keychain/gi)?.length).toBeGreaterThan(0);
      expect(r.stdout).toBe('');
      // The program alone makes `programAttempts`; with the fast path first, the keychain must not be asked more in all.
      expect(attempts).toBeGreaterThan(0);
      expect(attempts).toBeLessThanOrEqual(programAttempts);
    } finally {
      bus.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('mints on first use after --no-verify, then reuses the cached token', async () => {
    const cli = newCli('token-noverify');
    const before = sim.mintCount();
    await addKeyProfile(cli, 'lab', ['--no-verify']);
    expect(sim.mintCount() - before).toBe(0);

    const minted = JSON.parse((await cli.run(['token', 'lab', '--format', 'json'])).stdout) as TokenJson;
    expect(minted.source).toBe('minted');
    const cached = JSON.parse((await cli.run(['token', 'lab', '--format', 'json'])).stdout) as TokenJson;
    expect(cached.source).toBe('cache');
    expect(sameSecret(cached.token, minted.token)).toBe(true);
    expect(sim.mintCount() - before).toBe(1);
    // The key-minted JWT carries the claims public clients see.
    expect(jwtClaims(minted.token)).toMatchObject({ gty: 'api_key', tns: expect.any(String) });
  });

  it('mints anew when the cached token has less than the minimum lifetime left', async () => {
    const cli = newCli('token-expiry');
    sim.setTokenLifetime(600);
    await addKeyProfile(cli, 'lab', ['--no-verify']);
    const first = JSON.parse((await cli.run(['token', 'lab', '--format', 'json'])).stdout) as TokenJson;
    expect(first.source).toBe('minted');

    // 600 s left is enough for the default minimum (300 s) ...
    const before = sim.mintCount();
    expect((JSON.parse((await cli.run(['token', 'lab', '--format', 'json'])).stdout) as TokenJson).source).toBe('cache');
    // ... but not for --min-ttl 900: a new token is minted first.
    const fresh = JSON.parse((await cli.run(['token', 'lab', '--format', 'json', '--min-ttl', '900'])).stdout) as TokenJson;
    expect(fresh.source).toBe('minted');
    expect(sameSecret(fresh.token, first.token)).toBe(false);
    expect(sim.mintCount() - before).toBe(1);

    // A tenant whose tokens live shorter than the default minimum: every call mints.
    sim.setTokenLifetime(240);
    await cli.run(['token', 'lab', '--force']);
    const mints = sim.mintCount();
    const again = JSON.parse((await cli.run(['token', 'lab', '--format', 'json'])).stdout) as TokenJson;
    expect(again.source).toBe('minted');
    expect(sim.mintCount() - mints).toBe(1);
  });

  it('--force mints even when the cache is fresh', async () => {
    const cli = newCli('token-force');
    await addKeyProfile(cli);
    const before = sim.mintCount();
    const r = JSON.parse((await cli.run(['token', 'lab', '--force', '--format', 'json'])).stdout) as TokenJson;
    expect(r.source).toBe('minted');
    expect(sim.mintCount() - before).toBe(1);
  });

  it('retries a 429 (honouring Retry-After) and succeeds', async () => {
    const cli = newCli('token-429');
    await addKeyProfile(cli, 'lab', ['--no-verify']);
    sim.clearRequests();
    sim.faults.add({ match: { method: 'POST', path: '/ica/rest/api/tokens' }, times: 1, fault: { kind: 'status', status: 429, retryAfterSeconds: 1 } });
    const started = Date.now();
    const r = await cli.run(['token', 'lab']);
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith('eyJ')).toBe(true);
    expect(mintRequests()).toBe(2);
    // Retry-After: 1 was waited out (not a blind immediate retry).
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('gives exit code 4 and the action when the server keeps failing', async () => {
    const cli = newCli('token-503');
    await addKeyProfile(cli, 'lab', ['--no-verify']);
    sim.faults.add({ match: { method: 'POST', path: '/ica/rest/api/tokens' }, times: Infinity, fault: { kind: 'status', status: 503, retryAfterSeconds: 0 } });
    const r = await cli.run(['token', 'lab'], { timeoutMs: 30_000 });
    expect(r.code).toBe(EXIT_CODES.network);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^tessera: /);
    expect(r.stderr).toContain('Try again shortly');
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  }, 40_000);

  it('reports a revoked key clearly, with exit code 3, naming the key by fingerprint only', async () => {
    const cli = newCli('token-revoked');
    const key = sim.createApiKey(sim.demo.domain);
    await addKeyProfile(cli, 'lab', ['--no-verify'], key);
    sim.revokeKey(key);
    const r = await cli.run(['token', 'lab']);
    expect(r.code).toBe(EXIT_CODES.credentials);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^tessera: ICA rejected the API key ending in .{4} of profile "lab"/);
    expect(r.stderr).toContain('Manage API Keys');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    assertNoSecrets([r.stderr], [['the revoked key', key]]);

    // The rejection is remembered for `profile list`.
    expect(readConfig(cli.home).profiles[0]?.key.rejectedAt).toBeTruthy();
    const list = await cli.run(['profile', 'list']);
    expect(list.stdout).toContain('REJECTED');

    // Even with TESSERA_DEBUG=1 (details and stack) the key is not printed.
    const debug = await cli.run(['token', 'lab'], { env: { TESSERA_DEBUG: '1' } });
    expect(debug.code).toBe(EXIT_CODES.credentials);
    expect(debug.stderr).toContain('[CREDENTIALS_REJECTED]');
    assertNoSecrets([debug.stderr], [['the revoked key', key]]);

    // Rotating to a regenerated key recovers, and clears the mark.
    const next = sim.createApiKey(sim.demo.domain);
    const rotate = await cli.run(['profile', 'rotate', 'lab', '--api-key-stdin'], { input: next });
    expect(rotate.code).toBe(0);
    expect((await cli.run(['token', 'lab'])).code).toBe(0);
    expect(readConfig(cli.home).profiles[0]?.key.rejectedAt).toBeUndefined();
    assertNoSecrets(cli.outputs, [['the revoked key', key], ['the new key', next]]);
  });

  it('a forbidden key gives exit code 3 and says what is missing', async () => {
    const cli = newCli('token-forbidden');
    const key = sim.createApiKey(sim.demo.domain);
    await addKeyProfile(cli, 'lab', ['--no-verify'], key);
    sim.forbidKey(key);
    const r = await cli.run(['token', 'lab']);
    expect(r.code).toBe(EXIT_CODES.credentials);
    expect(r.stderr).toMatch(/refused to issue a token/);
  });

  it('refreshes a Basic (password) profile through :refresh', async () => {
    const cli = newCli('token-basic');
    const add = await cli.run(['profile', 'add', 'pw', ...profileFlags(sim), '--username', sim.demo.username, '--password-stdin'], { input: `${sim.demo.password}\n` });
    expect(add.stderr).toBe('');
    expect(add.code).toBe(0);
    expect(add.stdout).toContain('password login');
    // Basic minting names the tenant (?tenant= for multi-tenant users).
    const mint = sim.requests.filter((q) => q.path === '/ica/rest/api/tokens').at(-1);
    expect(mint?.headers.authorization).toMatch(/^Basic /);
    expect(mint?.query.tenant).toBe(sim.demo.domain);

    sim.clearRequests();
    const refreshes = sim.refreshCount();
    const mints = sim.mintCount();
    // The cached token (1 h) is younger than --min-ttl 3700 s: it is extended, not re-minted.
    const r = await cli.run(['token', 'pw', '--min-ttl', '3700', '--format', 'json']);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as TokenJson).source).toBe('minted'); // documented: refreshed reports as minted
    expect(sim.refreshCount() - refreshes).toBe(1);
    expect(sim.mintCount() - mints).toBe(0);
    const refresh = sim.requests.find((q) => q.path === '/ica/rest/api/tokens:refresh');
    expect(refresh?.method).toBe('POST');
    expect(refresh?.headers.authorization).toMatch(/^Bearer eyJ/);
    expect(refresh?.headers.accept).toBe('application/vnd.illumina.v3+json');
  });

  it('key-minted tokens are re-minted with the key, never sent to :refresh', async () => {
    const cli = newCli('token-no-refresh');
    await addKeyProfile(cli);
    sim.clearRequests();
    const r = await cli.run(['token', 'lab', '--min-ttl', '3700']);
    expect(r.code).toBe(0);
    expect(sim.requests.some((q) => q.path.endsWith(':refresh'))).toBe(false);
    expect(mintRequests()).toBe(1);
    expect(sim.requests[0]?.headers['x-api-key']).toBeTruthy();
  });

  it('prints each format with only the token on stdout', async () => {
    const cli = newCli('token-formats');
    await addKeyProfile(cli);
    const jwt = (await cli.run(['token', 'lab'])).stdout;
    expect(jwt).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const token = jwt.trim();
    const header = await cli.run(['token', 'lab', '--format', 'header']);
    expect(sameSecret(header.stdout, `Authorization: Bearer ${token}\n`)).toBe(true);
    const env = await cli.run(['token', 'lab', '--format', 'env']);
    expect(sameSecret(env.stdout, `export ICAV2_ACCESS_TOKEN=${token}\n`)).toBe(true);
    for (const r of [header, env]) {
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
    }
    const bad = await cli.run(['token', 'lab', '--format', 'xml']);
    expect(bad.code).toBe(EXIT_CODES.usage);
    expect(bad.stdout).toBe('');
    const ttl = await cli.run(['token', 'lab', '--min-ttl', 'soon']);
    expect(ttl.code).toBe(EXIT_CODES.usage);
    // The range is the one the app's settings use, and the message states it.
    const long = await cli.run(['token', 'lab', '--min-ttl', '90000']);
    expect(long.code).toBe(EXIT_CODES.usage);
    expect(long.stderr).toContain('Enter a whole number from 0 to 86400 (seconds).');
  });

  it('prints the curl command the desktop copies, and it reaches the TSS case search as is', async () => {
    const cli = newCli('token-curl');
    await addKeyProfile(cli, 'lab', ['--workgroup', sim.demo.workgroup]);
    const token = (await cli.run(['token', 'lab'])).stdout.trim();
    const r = await cli.run(['token', 'lab', '--format', 'curl']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(sameSecret(r.stdout.split("'")[1] ?? '', `Authorization: Bearer ${token}`)).toBe(true);
    expect(r.stdout).toContain(`-H 'X-ILMN-Domain: ${sim.demo.domain}' -H 'X-ILMN-Workgroup: ${sim.demo.workgroup}' '${sim.tssBaseUrl}/crs/api/v2/cases/search?`);
    // The command goes to the shell on stdin, as if pasted (asynchronously: the simulator answers from this process).
    const run = await new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
      const sh = spawn('sh', [], { stdio: ['pipe', 'pipe', 'inherit'] });
      let stdout = '';
      sh.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
      sh.on('error', reject);
      sh.on('close', (code) => resolve({ code, stdout }));
      sh.stdin.end(r.stdout);
    });
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as { content: unknown[] }).content.length).toBeGreaterThan(0);
    const help = await cli.run(['token', '--help']);
    for (const format of ['jwt', 'header', 'env', 'curl', 'json']) expect(help.stdout).toContain(format);
  });

  it('an unknown profile is a usage error (exit 2) that points to `profile list`', async () => {
    const cli = newCli('token-unknown');
    const r = await cli.run(['token', 'nope']);
    expect(r.code).toBe(EXIT_CODES.usage);
    expect(r.stderr).toContain('tessera profile list');
  });

  it('50 concurrent `tessera token` processes share exactly one mint (the core\'s cross-process lock)', async () => {
    const cli = newCli('token-concurrent');
    await addKeyProfile(cli, 'lab', ['--no-verify']);
    const before = sim.mintCount();
    sim.clearRequests();
    const results = await Promise.all(Array.from({ length: 50 }, () => cli.run(['token', 'lab'], { timeoutMs: 90_000 })));
    const failed = results.filter((r) => r.code !== 0);
    expect(failed.map((r) => r.stderr)).toEqual([]);
    expect(sim.mintCount() - before).toBe(1);
    expect(mintRequests()).toBe(1);
    const tokens = new Set(results.map((r) => r.stdout));
    expect(tokens.size).toBe(1);
  }, 120_000);
});

describe('the secret-in-argv check and profile names', () => {
  /** A fresh key-shaped string (like an ICA API key), registered for the final secret scan. */
  function keyShaped(): string {
    for (;;) {
      const value = randomBytes(30).toString('base64url').replace(/[-_]/g, 'x');
      if (/[A-Z]/.test(value) && /[a-z]/.test(value) && /\d/.test(value)) {
        recordSecret(value);
        return value;
      }
    }
  }

  it('accepts a long CamelCase profile name with digits, and any name of an existing profile', async () => {
    const cli = newCli('argv-profile-names');
    await addKeyProfile(cli, 'LabProductionProfile2024Main');
    const r = await cli.run(['token', 'LabProductionProfile2024Main']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^eyJ/);

    // A name the desktop app allowed even though it is shaped like a key: it names a
    // profile, so it is not a secret.
    const odd = 'Qx7vN2kLp9RtZ3wM8bYc4HjF6sDg1KaW';
    const refused = await cli.run(['token', odd]);
    expect(refused.code).toBe(EXIT_CODES.usage);
    expect(refused.stderr).toMatch(/never accepted as command-line arguments/);
    const configPath = join(cli.home, 'config.json');
    const config = JSON.parse(readFileSync(configPath, 'utf8')) as { profiles: Array<{ name: string }> };
    config.profiles[0]!.name = odd;
    writeFileSync(configPath, JSON.stringify(config, null, 2));
    const named = await cli.run(['token', odd]);
    expect(named.stderr).toBe('');
    expect(named.code).toBe(0);
  });

  it('still refuses key- and JWT-shaped arguments without echoing them', async () => {
    const cli = newCli('argv-key-shapes');
    await addKeyProfile(cli);
    const key = keyShaped();
    const jwt = `eyJhbGciOiJub25lIn0.${randomBytes(24).toString('base64url')}.${randomBytes(16).toString('base64url')}`;
    recordSecret(jwt);
    for (const args of [['token', key], ['token', 'lab', key], ['token', jwt], ['profile', 'rotate', 'lab', key], ['token', `--profile=${key}`]]) {
      const r = await cli.run(args);
      expect(r.code, args[0]).toBe(EXIT_CODES.usage);
      expect(r.stderr).toMatch(/never accepted as command-line arguments/);
      assertNoSecrets([r.stdout, r.stderr], [['the key-shaped argument', key], ['the JWT-shaped argument', jwt]]);
    }
  });
});

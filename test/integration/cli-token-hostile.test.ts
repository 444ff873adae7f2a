/**
 * `tessera token` against an ICA that misbehaves on purpose (the simulator's fault
 * injection): a token that is not a JWT, an absurd expiry, an endless answer, 400 and
 * 404 from the token endpoint, and a cached token entry that cannot be read. The built
 * CLI runs as a child process, the simulator over HTTP, the real Secret Service.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Sim } from '../../sim/index.js';
import { accounts } from '../../src-core/secrets/accounts.js';
import { createKeychainStore } from '../../src-core/secrets/keychain.js';
import { EXIT_CODES } from '../../src-shared/errors.js';
import { recordSecret } from '../helpers/env.js';
import { BIN, Cli, cliSuite, collect, profileFlags, readConfig, ROOT } from './cli-harness.js';

let sim: Sim;
const suite = cliSuite();
const newCli = suite.newCli;
const MINT = { method: 'POST', path: '/ica/rest/api/tokens' } as const;

beforeAll(async () => {
  sim = suite.sim;
});

afterEach(() => {
  sim.faults.clear();
});

async function addKeyProfile(cli: Cli, extra: string[] = ['--no-verify']): Promise<string> {
  const r = await cli.run(['profile', 'add', 'lab', ...profileFlags(sim, extra), '--api-key-stdin'], { input: `${sim.demo.apiKey}\n` });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return readConfig(cli.home).profiles[0]!.id;
}

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
/** A JWT-looking token (the client never checks the signature) with the given claims. */
function fakeJwt(claims: Record<string, unknown>, signature = 'c2ln'): string {
  const token = `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64({ sub: 'hostile', gty: 'api_key', ...claims })}.${signature}`;
  recordSecret(token);
  return token;
}
const inAnHour = (): number => Math.floor(Date.now() / 1000) + 3600;

/** Runs `bash -c <script>` with the CLI's data directory, the way a person's shell would. */
async function bash(cli: Cli, script: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, TESSERA_HOME: cli.home, TESSERA_CLI: `${process.execPath} ${BIN}` };
  const child = spawn('bash', ['-c', script], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const r = await collect(child, 20_000);
  cli.outputs.push(r.stdout, r.stderr);
  return r;
}

describe('a token endpoint that answers something other than a JWT', () => {
  it('a token with shell syntax after the signature is refused (exit 4), nothing runs under eval, and nothing is cached', async () => {
    const cli = newCli('hostile-eval');
    await addKeyProfile(cli);
    const marker = join(mkdtempSync(join(tmpdir(), 'tessera-eval-')), 'ran');
    const poisoned = fakeJwt({ exp: inAnHour() }, `c2ln;touch\${IFS}${marker};#`);
    sim.faults.add({ match: MINT, times: Infinity, fault: { kind: 'token', token: poisoned } });

    const evaluated = await bash(cli, 'eval "$($TESSERA_CLI token lab --format env)"; echo "after eval: ${ICAV2_ACCESS_TOKEN:-unset}"');
    expect(existsSync(marker), 'eval of `tessera token --format env` executed the command the server planted').toBe(false);
    expect(evaluated.stdout).toBe('after eval: unset\n');
    expect(evaluated.stderr).toContain('returned a token that is not a well-formed JWT');

    const r = await cli.run(['token', 'lab', '--format', 'env']);
    expect(r.code).toBe(EXIT_CODES.network);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^tessera: ICA \(http:\/\/127\.0\.0\.1:\d+\) returned a token that is not a well-formed JWT\n/);

    // Nothing was cached: once the platform behaves, the next call mints a proper token.
    sim.faults.clear();
    const before = sim.mintCount();
    const ok = await cli.run(['token', 'lab', '--format', 'json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).source).toBe('minted');
    expect(sim.mintCount() - before).toBe(1);
  });

  it('a JWT whose exp is absurd (1e13), negative or fractional is refused at mint time (exit 4)', async () => {
    const cli = newCli('hostile-exp');
    await addKeyProfile(cli);
    for (const exp of [1e13, -5, inAnHour() + 0.5]) {
      sim.faults.add({ match: MINT, times: 1, fault: { kind: 'token', token: fakeJwt({ exp }) } });
      const r = await cli.run(['token', 'lab']);
      expect(r.code, `exp ${exp}`).toBe(EXIT_CODES.network);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^tessera: ICA \(http:\/\/127\.0\.0\.1:\d+\) returned a JWT with an implausible expiry \(exp\)/);
    }
    const ok = await cli.run(['token', 'lab', '--format', 'json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).source).toBe('minted');
  });
});

describe('a cached token entry that cannot be read', () => {
  it('is discarded and re-minted, never an unexpected error on every call', async () => {
    const cli = newCli('hostile-record');
    const id = await addKeyProfile(cli);
    // The same service and account names the CLI uses (src-core/secrets/accounts.ts).
    const store = createKeychainStore();
    const { profiles } = readConfig(cli.home) as unknown as { profiles: Array<{ key: { storedAt: string } }> };
    const keyStoredAt = profiles[0]!.key.storedAt;
    // Records that match the profile (credential, host, grant), so only their content can void them.
    const record = (token: string, expiresAt: number): string =>
      JSON.stringify({ v: 1, token, expiresAt, skewMs: 0, grant: 'api-key', obtainedAt: Date.now(), keyStoredAt, icaUrl: sim.icaBaseUrl });
    const garbage = [
      'not json at all',
      '{"v":1}',
      record(fakeJwt({ exp: 1e13 }), 1e16),
      record(fakeJwt({ exp: inAnHour() }), 1e300),
      record(fakeJwt({ exp: inAnHour() }, 'c2ln;id;#'), (inAnHour() - 10) * 1000),
    ];
    for (const value of garbage) {
      await store.set(accounts.token({ id, name: 'lab' }), value);
      const before = sim.mintCount();
      const r = await cli.run(['token', 'lab', '--format', 'json']);
      expect(r.stderr, value.slice(0, 40)).toBe('');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).source).toBe('minted');
      expect(sim.mintCount() - before).toBe(1);
      // The re-minted token replaced the unreadable entry: the next call is served from the cache.
      const again = await cli.run(['token', 'lab', '--format', 'json']);
      expect(JSON.parse(again.stdout).source).toBe('cache');
    }
  });
});

describe('an answer far larger than a token', () => {
  it('stops reading an endless token answer and says the answer was too large (exit 4)', async () => {
    const cli = newCli('hostile-huge');
    await addKeyProfile(cli);
    const bytes = 200 * 1024 * 1024;
    sim.faults.add({ match: MINT, times: Infinity, fault: { kind: 'stream', bytes } });
    const r = await cli.run(['token', 'lab'], { timeoutMs: 60_000 });
    expect(r.code).toBe(EXIT_CODES.network);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^tessera: POST http:\/\/127\.0\.0\.1:\d+\/ica\/rest\/api\/tokens answered with more than 64 KiB, far more than expected, so Tessera stopped reading it\n/);
    // Not retried, and the client stopped reading long before the end.
    const streams = sim.faults.streams();
    expect(streams).toHaveLength(1);
    await expect.poll(() => sim.faults.streams()[0]!.over).toBe(true);
    const [s] = sim.faults.streams();
    expect(s!.abandoned).toBe(true);
    expect(s!.written).toBeLessThan(bytes / 10);
  }, 70_000);
});

describe('4xx answers of the token endpoint', () => {
  it('a 400 is a refused request (exit 2) that shows the server\'s own reason and points at the ICA URL and tenant', async () => {
    const cli = newCli('hostile-400');
    await addKeyProfile(cli);
    sim.faults.add({
      match: MINT,
      times: Infinity,
      fault: {
        kind: 'status',
        status: 400,
        contentType: 'application/problem+json',
        body: JSON.stringify({ title: 'Bad Request', detail: 'Unknown tenant parameter', status: 400 }),
      },
    });
    const r = await cli.run(['token', 'lab']);
    expect(r.code).toBe(EXIT_CODES.usage);
    expect(r.stderr).toMatch(/^tessera: POST http:\/\/127\.0\.0\.1:\d+\/ica\/rest\/api\/tokens returned 400 Bad Request: Bad Request — Unknown tenant parameter\n/);
    expect(r.stderr).toContain('ICA URL');
    expect(r.stderr).not.toContain('The platform had a problem');
  });

  it('a 404 says there is no token endpoint at that URL and to check the profile\'s ICA URL (exit 2), not "check the id"', async () => {
    const cli = newCli('hostile-404');
    await addKeyProfile(cli);
    sim.faults.add({ match: MINT, times: Infinity, fault: { kind: 'status', status: 404 } });
    const r = await cli.run(['token', 'lab']);
    expect(r.code).toBe(EXIT_CODES.usage);
    expect(r.stderr).toMatch(/^tessera: No ICA token endpoint at http:\/\/127\.0\.0\.1:\d+\/ica\/rest\/api\/tokens \(404 Not Found\)\n/);
    expect(r.stderr).toContain('ends in /ica/rest');
    expect(r.stderr).not.toContain('Check the id');
  });
});

/**
 * `tessera exec --serve`: a job that runs for several token lifetimes keeps making
 * authorised calls with fresh tokens from the loopback endpoint; the endpoint answers
 * only its secret, logs refusals without it, never puts it in the parent's environment,
 * argv or files, and is gone (connection refused) once the child exits, also by a signal.
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Sim } from '../../sim/index.js';
import { recordSecret } from '../helpers/env.js';
import { assertNoSecrets, Cli, collect, ensureCliBuilt, profileFlags, ROOT, simSecrets, startRecordingSim } from './cli-harness.js';

/** Seconds: short enough that a job of a few seconds outlives several tokens. */
const LIFETIME = 3;
const EXAMPLES = join(ROOT, 'docs', 'examples');
const node = process.execPath;

let sim: Sim;
let cli: Cli;

beforeAll(async () => {
  await ensureCliBuilt();
  sim = await startRecordingSim({ tokenLifetimeSeconds: LIFETIME, cases: 20 });
  cli = Cli.fresh('serve');
  const add = await cli.run(['profile', 'add', 'lab', ...profileFlags(sim), '--api-key-stdin'], { input: sim.demo.apiKey });
  expect(add.code).toBe(0);
});

afterEach(() => {
  assertNoSecrets(cli.outputs, simSecrets(sim));
});

afterAll(async () => {
  await sim?.close();
});

/** Resolves with the first stdout line (the child's report), once it is complete. */
function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve) => {
    let seen = '';
    child.stdout?.on('data', (d: Buffer) => {
      seen += d.toString();
      const end = seen.indexOf('\n');
      if (end >= 0) resolve(seen.slice(0, end));
    });
  });
}

function refused(url: string): Promise<boolean> {
  const { port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const expiries = (stdout: string): Set<string> => new Set([...stdout.matchAll(/valid until (\S+)/g)].map((m) => m[1]!));

describe('tessera exec --serve', () => {
  it('keeps a bash job that outlives several tokens working: every round fetches a fresh token and TSS accepts it', async () => {
    const before = sim.mintCount();
    const rounds = 10;
    const r = await cli.run(['exec', 'lab', '--serve', '--min-ttl', '1', '--', 'bash', join(EXAMPLES, 'token-loop.sh'), String(rounds), '1'], { timeoutMs: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.match(/TSS answered 200/g)).toHaveLength(rounds);
    // The job ran across at least three tokens, each minted from the key when the last ran low.
    expect(expiries(r.stdout).size).toBeGreaterThanOrEqual(3);
    expect(sim.mintCount() - before).toBeGreaterThanOrEqual(3);
  }, 90_000);

  it('does the same for a Python job calling ICA', async () => {
    const rounds = 10;
    const r = await cli.run(['exec', 'lab', '--serve', '--min-ttl', '1', '--', 'python3', join(EXAMPLES, 'long_job.py'), String(rounds), '1'], { timeoutMs: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.match(/ICA answered 200/g)).toHaveLength(rounds);
    expect(expiries(r.stdout).size).toBeGreaterThanOrEqual(3);
  }, 90_000);

  it('answers 401 to a wrong or absent Authorization, logs it without the secret, and keeps the secret out of its own environment, argv and files', async () => {
    const script = `(async () => {
      const { TESSERA_TOKEN_URL: url, TESSERA_TOKEN_AUTH: auth } = process.env;
      const status = async (init) => (await fetch(url, init)).status;
      const right = await fetch(url, { headers: { Authorization: auth } });
      const body = await right.json();
      process.stdout.write(JSON.stringify({
        url, auth, right: right.status, keys: Object.keys(body).sort(), expiresAt: body.expiresAt,
        none: await status({}),
        wrong: await status({ headers: { Authorization: 'Bearer wrong-guess-of-the-secret' } }),
        bare: await status({ headers: { Authorization: auth.slice('Bearer '.length) } }),
        post: await status({ method: 'POST', headers: { Authorization: auth } }),
      }) + '\\n');
      setInterval(() => {}, 1000);
    })();`;
    const child = cli.spawn(['exec', 'lab', '--serve', '--min-ttl', '1', '--', node, '-e', script]);
    const done = collect(child, 30_000);
    const report = JSON.parse(await firstLine(child)) as Record<string, unknown> & { url: string; auth: string; expiresAt: string };
    const secret = report.auth.slice('Bearer '.length);
    recordSecret(report.auth);

    expect(report.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/token$/);
    expect(report.auth).toMatch(/^Bearer [A-Za-z0-9_-]{43}$/);
    expect(report).toMatchObject({ right: 200, keys: ['expiresAt', 'token'], none: 401, wrong: 401, bare: 401, post: 405 });
    expect(Date.parse(report.expiresAt)).toBeGreaterThan(0);

    // While the child runs: tessera's own environment and argv, and every file of its data directory.
    const pid = child.pid!;
    expect(readFileSync(`/proc/${pid}/environ`, 'utf8')).not.toContain(secret);
    expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8')).not.toContain(secret);
    for (const file of filesUnder(cli.home)) expect(readFileSync(file).includes(secret), file).toBe(false);
    const log = readFileSync(join(cli.home, 'logs', 'tessera.log'), 'utf8');
    expect(log.match(/token endpoint: request refused/g)).toHaveLength(3);
    expect(log).not.toContain(secret);
    expect(log).not.toContain('wrong-guess-of-the-secret');

    child.kill('SIGTERM');
    const r = await done;
    expect(r.signal).toBe('SIGTERM');
    expect(await refused(report.url)).toBe(true);
  }, 60_000);

  it.each(['SIGINT', 'SIGHUP'] as const)('closes the endpoint when %s ends the child', async (signal) => {
    const child = cli.spawn(['exec', 'lab', '--serve', '--', node, '-e', "process.stdout.write(process.env.TESSERA_TOKEN_URL + '\\n'); setInterval(() => {}, 1000);"]);
    const done = collect(child, 30_000);
    const url = await firstLine(child);
    expect(await refused(url)).toBe(false);
    child.kill(signal);
    expect((await done).signal).toBe(signal);
    expect(await refused(url)).toBe(true);
  }, 60_000);

  it('closes the endpoint when the child exits on its own, and passes its exit code through', async () => {
    const r = await cli.run(['exec', 'lab', '--serve', '--', node, '-e', "process.stdout.write(process.env.TESSERA_TOKEN_URL); process.exit(4)"]);
    expect(r.code).toBe(4);
    expect(await refused(r.stdout)).toBe(true);
  });

  it('tells the child why when no token can be had (503 with the error), and the job goes on', async () => {
    const other = Cli.fresh('serve-revoked');
    const key = sim.createApiKey(sim.demo.domain);
    expect((await other.run(['profile', 'add', 'lab', ...profileFlags(sim), '--api-key-stdin'], { input: key })).code).toBe(0);
    // The child takes one token, says so, waits until it has expired, then asks again.
    const script = `(async () => {
      const get = () => fetch(process.env.TESSERA_TOKEN_URL, { headers: { Authorization: process.env.TESSERA_TOKEN_AUTH } });
      const first = await (await get()).json();
      process.stdout.write('ready\\n');
      await new Promise((resolve) => setTimeout(resolve, Date.parse(first.expiresAt) - Date.now() + 500));
      const res = await get();
      process.stdout.write(JSON.stringify({ status: res.status, body: await res.json() }) + '\\n');
    })();`;
    const child = other.spawn(['exec', 'lab', '--serve', '--min-ttl', '0', '--', node, '-e', script]);
    const done = collect(child, 30_000);
    await firstLine(child);
    sim.revokeKey(key);
    const r = await done;
    expect(r.code).toBe(0);
    const answer = JSON.parse(r.stdout.split('\n')[1]!) as { status: number; body: { error: { code: string; message: string } } };
    expect(answer.status).toBe(503);
    expect(answer.body.error.code).toBe('CREDENTIALS_REJECTED');
    expect(answer.body.error.message).toContain(`ending in ${key.slice(-4)}`);
    assertNoSecrets([r.stdout, r.stderr], [['the revoked key', key]]);
  }, 60_000);
});

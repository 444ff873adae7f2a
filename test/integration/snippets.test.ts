/**
 * The app's "Use it in…" snippets run as written in a real bash, with the real
 * `tessera` on PATH and the simulator as the platform: each reaches the profile's real
 * URL with a fresh token from `$(tessera token …)` and the profile's tenant headers.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sim } from '../../sim/index.js';
import type { ProfileView } from '../../src-shared/schemas.js';
import { buildSnippets, type SnippetId } from '../../src-shared/snippets.js';
import { recordSecret } from '../helpers/env.js';
import { BIN, Cli, collect, ensureCliBuilt, profileFlags, startRecordingSim } from './cli-harness.js';

let sim: Sim;
let cli: Cli;
let binDir: string;
let view: ProfileView;

beforeAll(async () => {
  await ensureCliBuilt();
  sim = await startRecordingSim();
  cli = Cli.fresh('snippets');
  const add = await cli.run(['profile', 'add', 'lab', ...profileFlags(sim, ['--workgroup', sim.demo.workgroup]), '--api-key-stdin'], { input: sim.demo.apiKey });
  expect(add.code).toBe(0);
  view = (JSON.parse((await cli.run(['profile', 'list', '--json'])).stdout) as ProfileView[])[0]!;
  // `tessera` as a person has it: a command on PATH.
  binDir = mkdtempSync(join(tmpdir(), 'tessera-snippet-bin-'));
  writeFileSync(join(binDir, 'tessera'), `#!/bin/sh\nexec '${process.execPath}' '${BIN}' "$@"\n`);
  chmodSync(join(binDir, 'tessera'), 0o755);
});

afterAll(async () => {
  await sim?.close();
  if (binDir) rmSync(binDir, { recursive: true, force: true });
});

/** Runs the snippet in bash (asynchronously: the simulator answers from this process). */
function run(id: SnippetId, prelude = '') {
  const snippet = buildSnippets(view).find((s) => s.id === id)!;
  const child = spawn('bash', ['-c', `set -e\n${prelude}${snippet.text}`], {
    env: { ...process.env, PATH: `${binDir}:${process.env.PATH ?? ''}`, TESSERA_HOME: cli.home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return collect(child, 20_000);
}

function lastRequest(path: string) {
  const req = sim.requests.filter((r) => r.path === path).at(-1);
  expect(req, `a request to ${path}`).toBeDefined();
  const auth = req!.headers.authorization ?? '';
  expect(auth).toMatch(/^Bearer eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
  recordSecret(auth.slice('Bearer '.length));
  return req!;
}

describe('"Use it in…" snippets', () => {
  it('curl (TSS) searches cases with a fresh token, the domain and the workgroup', async () => {
    const r = await run('curl-tss');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toBeTypeOf('object');
    const req = lastRequest('/crs/api/v2/cases/search');
    expect(req.headers['x-ilmn-domain']).toBe('demo-lab');
    expect(req.headers['x-ilmn-workgroup']).toBe(sim.demo.workgroup);
  });

  it('curl (ICA) calls the profile\'s ICA base with a fresh token and the v3 media type', async () => {
    sim.clearRequests();
    await run('curl-ica');
    const req = lastRequest('/ica/rest/api/projects');
    expect(req.headers.accept).toBe('application/vnd.illumina.v3+json');
  });

  it('icav2 gets the bare host as ICAV2_SERVER_URL and a token as ICAV2_ACCESS_TOKEN', async () => {
    // A stand-in for the icav2 binary that shows what it would read.
    const r = await run('icav2', 'icav2() { printf "%s\\n%s\\n" "$ICAV2_SERVER_URL" "$ICAV2_ACCESS_TOKEN"; }\n');
    expect(r.code).toBe(0);
    const [host, token] = r.stdout.trim().split('\n');
    recordSecret(token ?? '');
    expect(host).toBe(new URL(sim.icaBaseUrl).host);
    expect(token).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  it('Python reads ICAV2_BASE_URL and ICAV2_ACCESS_TOKEN and calls the ICA API', async () => {
    sim.clearRequests();
    await run('python');
    const req = lastRequest('/ica/rest/api/projects');
    expect(req.headers.accept).toBe('application/vnd.illumina.v3+json');
  });
});

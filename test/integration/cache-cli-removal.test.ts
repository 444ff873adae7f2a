/**
 * `tessera sync` when the server's answer suddenly lists no cases: the CLI keeps the
 * offline cache, says so on stderr, and removes the cases only when a second sync sees
 * the same or `--allow-mass-removal` is given. The built CLI, the simulator, the real
 * Secret Service.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sim } from '../../sim/index.js';
import { assertNoSecrets, Cli, ensureCliBuilt, profileFlags, simSecrets, startRecordingSim } from './cli-harness.js';

const CASES = 500;
let sim: Sim;
const clis: Cli[] = [];

const EMPTY_PAGE = { kind: 'status', status: 200, contentType: 'application/json', body: JSON.stringify({ content: [], totalElements: 0, totalPages: 0, number: 0, size: 1000 }) } as const;

beforeAll(async () => {
  await ensureCliBuilt();
  sim = await startRecordingSim({ cases: CASES, seed: 59 });
}, 120_000);

afterAll(async () => {
  assertNoSecrets(clis.flatMap((c) => c.outputs), simSecrets(sim));
  await sim.close();
});

async function syncedProfile(label: string): Promise<Cli> {
  const cli = Cli.fresh(label);
  clis.push(cli);
  expect((await cli.run(['profile', 'add', 'lab', ...profileFlags(sim), '--api-key-stdin'], { input: `${sim.demo.apiKey}\n` })).code).toBe(0);
  expect((await cli.run(['sync', 'lab'], { timeoutMs: 60_000 })).stdout).toMatch(/^synced lab: 500 cases/);
  return cli;
}

async function cached(cli: Cli): Promise<number> {
  const r = await cli.run(['cases', 'lab', '--offline', '--json', '--limit', '1000']);
  expect(r.code).toBe(0);
  return (JSON.parse(r.stdout) as unknown[]).length;
}

describe('tessera sync after an empty answer', () => {
  it('keeps the cache and says so; the next sync that sees the same removes the cases', async () => {
    const cli = await syncedProfile('removal-confirm');
    sim.faults.add({ match: { path: /cases\/search/ }, fault: EMPTY_PAGE });
    const kept = await cli.run(['sync', 'lab'], { timeoutMs: 60_000 });
    expect(kept.code).toBe(0);
    expect(kept.stdout).toMatch(/^synced lab: 500 cases, \d+ test definitions in/);
    expect(kept.stderr).toMatch(/tessera: 500 cached cases of lab are no longer listed by the server but were kept.*--allow-mass-removal/);
    expect(await cached(cli)).toBe(CASES);

    sim.faults.add({ match: { path: /cases\/search/ }, fault: EMPTY_PAGE });
    const confirmed = await cli.run(['sync', 'lab'], { timeoutMs: 60_000 });
    expect(confirmed.stdout).toMatch(/^synced lab: 0 cases, \d+ test definitions, 500 removed in/);
    expect(confirmed.stderr).not.toMatch(/were kept/);
    expect(await cached(cli)).toBe(0);
  }, 120_000);

  it('--allow-mass-removal removes them in one sync', async () => {
    const cli = await syncedProfile('removal-flag');
    sim.faults.add({ match: { path: /cases\/search/ }, fault: EMPTY_PAGE });
    const r = await cli.run(['sync', 'lab', '--allow-mass-removal'], { timeoutMs: 60_000 });
    expect(r.stdout).toMatch(/^synced lab: 0 cases, \d+ test definitions, 500 removed in/);
    expect(await cached(cli)).toBe(0);
  }, 120_000);
});

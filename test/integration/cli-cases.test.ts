/**
 * `tessera cases` filters as people type them: statuses in any case and spacing,
 * sub-states, unknown values refused with the valid ones listed, and an empty result
 * said on stderr. Real processes against the simulator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sim } from '../../sim/index.js';
import { EXIT_CODES } from '../../src-shared/errors.js';
import { assertNoSecrets, Cli, ensureCliBuilt, profileFlags, simSecrets, startRecordingSim } from './cli-harness.js';

let sim: Sim;
let cli: Cli;

beforeAll(async () => {
  await ensureCliBuilt();
  sim = await startRecordingSim({ cases: 300, seed: 7 });
  cli = Cli.fresh('cli-cases');
  expect((await cli.run(['profile', 'add', 'lab', ...profileFlags(sim), '--api-key-stdin'], { input: sim.demo.apiKey })).code).toBe(0);
  expect((await cli.run(['sync', 'lab'], { timeoutMs: 60_000 })).code).toBe(0);
}, 120_000);

afterAll(async () => {
  assertNoSecrets(cli.outputs, simSecrets(sim));
  await sim?.close();
});

const statusesOf = (stdout: string): string[] => (JSON.parse(stdout) as { status: string }[]).map((c) => c.status);

describe('tessera cases --status', () => {
  it('matches statuses regardless of case and spacing', async () => {
    const exact = await cli.run(['cases', 'lab', '--offline', '--status', 'In Progress', '--json', '--limit', '1000']);
    expect(exact.code).toBe(0);
    const expected = statusesOf(exact.stdout).length;
    expect(expected).toBeGreaterThan(0);
    for (const typed of ['in progress', 'IN_PROGRESS', 'in-progress']) {
      const r = await cli.run(['cases', 'lab', '--offline', '--status', typed, '--json', '--limit', '1000']);
      expect(r.code, typed).toBe(0);
      const got = statusesOf(r.stdout);
      expect(got, typed).toHaveLength(expected);
      expect(new Set(got), typed).toEqual(new Set(['In Progress']));
    }
  });

  it('matches sub-states too', async () => {
    const all = JSON.parse((await cli.run(['cases', 'lab', '--offline', '--json', '--limit', '1000'])).stdout) as { subState?: string }[];
    const subState = all.map((c) => c.subState).find((s) => s?.includes('_'));
    expect(subState).toBeDefined();
    const typed = subState!.toLowerCase().replace(/_/g, ' ');
    const r = await cli.run(['cases', 'lab', '--offline', '--status', typed, '--json', '--limit', '1000']);
    expect(r.code).toBe(0);
    const items = JSON.parse(r.stdout) as { subState?: string }[];
    expect(items).toHaveLength(all.filter((c) => c.subState === subState).length);
    for (const c of items) expect(c.subState).toBe(subState);
  });

  it('refuses an unknown status, listing the valid ones', async () => {
    const r = await cli.run(['cases', 'lab', '--offline', '--status', 'Bogus']);
    expect(r.code).toBe(EXIT_CODES.usage);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('There is no case status "Bogus"');
    expect(r.stderr).toMatch(/Statuses: Draft, New, In Progress, Complete, Canceled, Deletion/);
    expect(r.stderr).toContain('`tessera cases --help`');
  });

  it('says so on stderr when nothing matches', async () => {
    const r = await cli.run(['cases', 'lab', '--offline', '--search', 'zzzz-no-such-case']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('no cached case of lab matches this search');
  });
});

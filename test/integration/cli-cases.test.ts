/**
 * `tessera cases` filters as people type them: statuses in any case and spacing,
 * sub-states, unknown values refused with the valid ones listed, and an empty result
 * said on stderr; lists of any length, streamed; every read saying how old its data is.
 * Real processes against the simulator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sim } from '../../sim/index.js';
import { EXIT_CODES } from '../../src-shared/errors.js';
import { assertNoSecrets, Cli, ensureCliBuilt, profileFlags, runInTerminal, simSecrets, startRecordingSim } from './cli-harness.js';

let sim: Sim;
let cli: Cli;

beforeAll(async () => {
  await ensureCliBuilt();
  sim = await startRecordingSim({ cases: 2_500, seed: 7 });
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
    const some = JSON.parse((await cli.run(['cases', 'lab', '--offline', '--json', '--limit', '1000'])).stdout) as { subState?: string }[];
    const subState = some.map((c) => c.subState).find((s) => s?.includes('_'));
    expect(subState).toBeDefined();
    const typed = subState!.toLowerCase().replace(/_/g, ' ');
    const r = await cli.run(['cases', 'lab', '--offline', '--status', typed, '--json', '--limit', '1000']);
    expect(r.code).toBe(0);
    const items = JSON.parse(r.stdout) as { subState?: string }[];
    expect(items.length).toBeGreaterThan(0);
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

describe('tessera cases beyond 1,000', () => {
  it('accepts any --limit and pages through the cache', async () => {
    const r = await cli.run(['cases', 'lab', '--offline', '--json', '--limit', '1500']);
    expect(r.code).toBe(0);
    const items = JSON.parse(r.stdout) as { id: string }[];
    expect(items).toHaveLength(1500);
    expect(new Set(items.map((c) => c.id)).size).toBe(1500);
    // The streamed array is exactly what JSON.stringify(array, null, 2) prints.
    expect(r.stdout).toBe(`${JSON.stringify(items, null, 2)}\n`);
    expect(r.stderr).toContain('showing 1500 of 2500 cases');
  });

  it('--all --json and --all --ndjson list every case once', async () => {
    const json = await cli.run(['cases', 'lab', '--offline', '--all', '--json']);
    expect(json.code).toBe(0);
    const ids = (JSON.parse(json.stdout) as { id: string }[]).map((c) => c.id);
    expect(ids).toHaveLength(2500);
    expect(new Set(ids).size).toBe(2500);
    expect(json.stderr).not.toMatch(/showing \d+ of/);

    const nd = await cli.run(['cases', 'lab', '--offline', '--all', '--ndjson']);
    expect(nd.code).toBe(0);
    const [head, ...lines] = nd.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(head).toMatchObject({ total: 2500, freshness: { source: 'cache', offline: true, syncedAt: expect.any(String) } });
    expect(lines.map((c) => c.id)).toEqual(ids);
  });

  it('refuses --limit with --all', async () => {
    const r = await cli.run(['cases', 'lab', '--offline', '--all', '--limit', '5']);
    expect(r.code).toBe(EXIT_CODES.usage);
    expect(r.stderr).toContain('Give --limit or --all, not both.');
  });
});

describe('every read says how old its data is', () => {
  it('on a terminal: cases from the cache with their age, tests and a case live from the server', async () => {
    const cases = await runInTerminal(cli, ['cases', 'lab', '--limit', '1'], []);
    expect(cases.code).toBe(0);
    expect(cases.screen).toMatch(/tessera: data from (just now|\d+ min ago) \(synced \d{4}-\d\d-\d\d/);
    const tests = await runInTerminal(cli, ['tests', 'lab'], []);
    expect(tests.code).toBe(0);
    expect(tests.screen).toContain('tessera: live from the server');
    const id = (JSON.parse((await cli.run(['cases', 'lab', '--offline', '--json', '--limit', '1'])).stdout) as { displayId: string }[])[0]!.displayId;
    const one = await runInTerminal(cli, ['case', 'lab', id], []);
    expect(one.code).toBe(0);
    expect(one.screen).toContain('tessera: live from the server');
  });

  it('in JSON: case --json has a freshness field; a pipe gets no notice on stderr', async () => {
    const id = (JSON.parse((await cli.run(['cases', 'lab', '--offline', '--json', '--limit', '1'])).stdout) as { displayId: string }[])[0]!.displayId;
    const r = await cli.run(['case', 'lab', id, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ displayId: id, freshness: { source: 'server', offline: false, syncedAt: expect.any(String) } });
    expect(r.stderr).toBe('');
  });
});

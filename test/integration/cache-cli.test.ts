/**
 * `tessera sync|tests|cases|case` end to end: the built CLI as a child process, the
 * simulator over HTTP, the real Secret Service. JSON shapes, progress on stderr,
 * `--offline` never touching the network, and offline reads after the simulator stops.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sim } from '../../sim/index.js';
import { EXIT_CODES } from '../../src-shared/errors.js';
import { assertNoSecrets, Cli, ensureCliBuilt, profileFlags, simSecrets, startRecordingSim } from './cli-harness.js';

let sim: Sim;
let cli: Cli;
let stopped = false;

beforeAll(async () => {
  await ensureCliBuilt();
  sim = await startRecordingSim({ cases: 1_200, seed: 31 });
  cli = Cli.fresh('cache-cli');
  const r = await cli.run(['profile', 'add', 'lab', ...profileFlags(sim), '--api-key-stdin'], { input: `${sim.demo.apiKey}\n` });
  expect(r.code).toBe(0);
}, 120_000);

afterAll(async () => {
  assertNoSecrets(cli.outputs, simSecrets(sim));
  if (!stopped) await sim.close();
});

describe('tessera cache commands', () => {
  it('cases --offline before any sync: an empty table, a hint, and no request', async () => {
    const before = sim.requests.length;
    const r = await cli.run(['cases', 'lab', '--offline']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/offline cache of lab is empty; run `tessera sync lab`/);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(sim.requests.length).toBe(before);
  });

  it('refuses out-of-range numbers with the range, before any request', async () => {
    const before = sim.requests.length;
    // Any limit is accepted (the CLI pages through the cache); zero is not.
    const limit = await cli.run(['cases', 'lab', '--limit', '0']);
    expect(limit.code).toBe(EXIT_CODES.usage);
    expect(limit.stderr).toContain('Enter a whole number of at least 1.');
    const days = await cli.run(['sync', 'lab', '--audit-days', '400']);
    expect(days.code).toBe(EXIT_CODES.usage);
    expect(days.stderr).toContain('Enter a whole number from 0 to 365 (days).');
    expect(sim.requests.length).toBe(before);
  });

  it('sync prints plain progress lines when stderr is not a terminal, and a summary on stdout', async () => {
    const r = await cli.run(['sync', 'lab'], { timeoutMs: 60_000 });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^synced lab: 1200 cases, 12 test definitions in \d+\.\d s\n$/);
    expect(r.stderr).toMatch(/tessera: sync lab: test definitions/);
    expect(r.stderr).toMatch(/tessera: sync lab: cases 1200\/1200/);
    // No carriage returns or escape sequences: those are for terminals only.
    expect(r.stderr.includes('\r') || r.stderr.includes(String.fromCharCode(27))).toBe(false);
  });

  it('tests, cases and case print JSON with the documented fields', async () => {
    const tests = await cli.run(['tests', 'lab', '--json']);
    expect(tests.code).toBe(0);
    const defs = JSON.parse(tests.stdout) as { id: string; name: string }[];
    expect(defs.map((t) => t.id).sort()).toEqual(sim.data.testDefinitions().map((t) => t.id).sort());

    const cases = await cli.run(['cases', 'lab', '--status', 'Complete', '--limit', '5', '--json']);
    expect(cases.code).toBe(0);
    const items = JSON.parse(cases.stdout) as Record<string, unknown>[];
    expect(items).toHaveLength(5);
    for (const c of items) {
      expect(c).toMatchObject({ status: 'Complete', id: expect.any(String), displayId: expect.any(String), subState: expect.any(String), testDefinition: { id: expect.any(String) } });
      expect(c.createdDate).toMatch(/^\d{4}-\d\d-\d\dT/);
      expect(c.updatedDate).toMatch(/^\d{4}-\d\d-\d\dT/);
    }

    const target = sim.data.cases()[10]!;
    const search = await cli.run(['cases', 'lab', '--search', target.displayId.slice(0, 10), '--json']);
    const found = JSON.parse(search.stdout) as { displayId: string }[];
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((c) => c.displayId.startsWith(target.displayId.slice(0, 10)))).toBe(true);

    const byTestName = await cli.run(['cases', 'lab', '--test', target.testDefinition.name, '--limit', '1000', '--json']);
    const sameTest = JSON.parse(byTestName.stdout) as { testDefinition: { id: string } }[];
    expect(sameTest.length).toBe(sim.data.cases().filter((c) => c.testDefinition.id === target.testDefinition.id).length);

    const one = await cli.run(['case', 'lab', target.displayId, '--json']);
    expect(one.code).toBe(0);
    const detail = JSON.parse(one.stdout) as Record<string, unknown>;
    expect(detail).toMatchObject({ id: target.id, displayId: target.displayId, status: target.status, subState: target.subState, testDefinition: { id: target.testDefinition.id } });
    expect(detail.raw).toBeUndefined();

    const human = await cli.run(['case', 'lab', target.id]);
    expect(human.stdout).toMatch(new RegExp(`^Case\\s+${target.displayId}$`, 'm'));
  });

  it('cases --offline never touches the network', async () => {
    const before = sim.requests.length;
    const r = await cli.run(['cases', 'lab', '--offline', '--json', '--limit', '3']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toHaveLength(3);
    expect(r.stderr).toMatch(/^tessera: offline, showing data from \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/m);
    expect(sim.requests.length).toBe(before);
  });

  it('never passes terminal control sequences from the server to the terminal; JSON keeps them, escaped', async () => {
    const ESC = String.fromCharCode(27);
    const BEL = String.fromCharCode(7);
    const CSI8 = String.fromCharCode(0x9b);
    const target = sim.data.cases()[20]!;
    const fields = {
      status: `Complete${ESC}]0;pwned-title${BEL}${ESC}[2J`,
      subState: `${ESC}]52;c;ZWNobyBldmls${BEL}Ready${ESC}[8mhidden${ESC}[0m`,
      tags: [`${CSI8}31mred`, `report\u202Etxt.exe`, `over\rwrite`, `del${String.fromCharCode(0x7f)}`],
    };
    sim.data.editCase(target.displayId, fields);
    expect((await cli.run(['sync', 'lab'], { timeoutMs: 60_000 })).code).toBe(0);
    // Control characters other than line feed (and tab), DEL, C1 and bidi overrides.
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    const unsafe = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
    const table = await cli.run(['cases', 'lab', '--search', target.displayId]);
    const detail = await cli.run(['case', 'lab', target.displayId]);
    for (const r of [table, detail]) {
      expect(r.code).toBe(0);
      expect(unsafe.test(r.stdout), 'stdout carries control characters').toBe(false);
      expect(unsafe.test(r.stderr), 'stderr carries control characters').toBe(false);
    }
    expect(table.stdout).toContain(target.displayId);
    expect(detail.stdout).toContain('Ready');
    expect(detail.stdout).toContain('pwned-title');

    const json = await cli.run(['case', 'lab', target.displayId, '--json']);
    expect(unsafe.test(json.stdout), 'JSON output carries raw control characters').toBe(false);
    const parsed = JSON.parse(json.stdout) as { status: string; subState: string; tags: unknown[] };
    expect(parsed.status).toBe(fields.status);
    expect(parsed.subState).toBe(fields.subState);
    expect(parsed.tags).toEqual(fields.tags);
  });

  it('with the simulator stopped, reads say "offline, showing data from …" and succeed', async () => {
    await sim.close();
    stopped = true;
    const cases = await cli.run(['cases', 'lab', '--limit', '2']);
    expect(cases.code).toBe(0);
    expect(cases.stderr).toMatch(/offline, showing data from /);
    expect(cases.stdout).toMatch(/^DISPLAY ID\s+STATUS/);

    const one = await cli.run(['case', 'lab', sim.data.cases()[4]!.displayId]);
    expect(one.code).toBe(0);
    expect(one.stderr).toMatch(/offline, showing data from /);

    const missing = await cli.run(['case', 'lab', 'CASE-999999']);
    expect(missing.code).toBe(EXIT_CODES.network);
    expect(missing.stderr).toMatch(/not in the offline cache and the server cannot be reached/);

    const sync = await cli.run(['sync', 'lab']);
    expect(sync.code).toBe(EXIT_CODES.network);
  });
});

/**
 * The optional audit-log window: the simulator over real HTTP, the real keychain, the
 * real encrypted SQLite cache. Sync caches exactly the window's events (the setting or a
 * per-run override decides the window), a window of 0 never calls the audit service, a
 * failing audit service does not fail the sync, reads filter by case, and the CLI prints
 * the cached events as a table or JSON.
 *
 * The simulator's data is pinned to end on 2025-06-01 (its `dataEnd` option), so the
 * cores here run on a clock shifted to just after it: a window of N days then holds events.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Sim, SimCase } from '../../sim/index.js';
import { cacheFromCore } from '../../src-core/cache/service.js';
import type { Clock, SecretStore } from '../../src-core/ports.js';
import { openSecretStore } from '../../src-core/secrets/select.js';
import type { AuditEvent } from '../../src-shared/schemas.js';
import { FAST_SYNC } from '../fixtures/cache/core.js';
import { addKeyProfile, makeCore, startTestSim } from '../helpers/tessera.js';
import { assertNoSecrets, Cli, ensureCliBuilt, profileFlags, simSecrets } from './cli-harness.js';

const DAY = 86_400_000;
const WINDOW_DAYS = 30;
/** Just after the simulator's last case (2025-06-01T12:00Z), whatever the wall clock says. */
const SIM_NOW = Date.UTC(2025, 5, 2, 0, 0, 0);
const shift = SIM_NOW - Date.now();
const simClock: Clock = { now: () => Date.now() + shift };

let sim: Sim;

beforeAll(async () => {
  sim = await startTestSim({ cases: 800, seed: 41, dataEnd: '2025-06-01' });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.faults.clear();
});

function auditCore(init: { dataDir?: string; secrets?: SecretStore } = {}) {
  return makeCore({ ...init, ports: { clock: simClock }, options: { cache: (deps) => cacheFromCore(deps, FAST_SYNC) } });
}

interface Expected {
  caseId: string;
  eventName: string;
  at: number;
}

/** The events the simulator derives from a case (sim/data.ts auditEventsFor), from its public data. */
function eventsOf(c: SimCase): Expected[] {
  const created = Date.parse(c.createdDate);
  const updated = Date.parse(c.updatedDate);
  const out: Expected[] = [{ caseId: c.id, eventName: 'CASE_CREATED', at: created }];
  if (c.status !== 'Draft') out.push({ caseId: c.id, eventName: 'SAMPLE_ACCESSIONED', at: created + 3_600_000 });
  if (updated > created + 3_600_000) out.push({ caseId: c.id, eventName: 'CASE_STATUS_UPDATED', at: updated });
  return out;
}

const key = (e: { caseId?: string; eventName: string; at: number }): string => `${e.caseId}|${e.eventName}|${e.at}`;
const keyOf = (e: AuditEvent): string => key({ ...e, at: Date.parse(e.createdDate) });

function auditRequests(from = 0) {
  return sim.requests.slice(from).filter((r) => r.path.startsWith('/als/'));
}

/**
 * Checks the cached events against the simulator's: everything surely inside the window
 * [start - days, end] (measured around the sync; the wire format has whole seconds) is
 * cached, and nothing outside the widest possible window is.
 */
function expectWindow(cached: AuditEvent[], days: number, start: number, end: number): void {
  const all = sim.data.cases().flatMap(eventsOf);
  const slack = 2_000;
  const surely = all.filter((e) => e.at >= end - days * DAY + slack && e.at <= start - slack).map(key);
  const possibly = new Set(all.filter((e) => e.at >= start - days * DAY - slack && e.at <= end + slack).map(key));
  const got = cached.map(keyOf);
  expect(surely.length).toBeGreaterThan(0);
  expect(new Set(got).size).toBe(got.length);
  expect(got.filter((k) => !possibly.has(k))).toEqual([]);
  const gotSet = new Set(got);
  expect(surely.filter((k) => !gotSet.has(k))).toEqual([]);
}

describe('audit log in the offline cache', () => {
  it('syncAuditDays caches the window, newest first, with the documented fields', async () => {
    const { core } = auditCore();
    await addKeyProfile(core, sim);
    await core.updateSettings({ syncAuditDays: WINDOW_DAYS });
    const before = sim.requests.length;
    const start = simClock.now();
    const result = await core.sync('lab');
    const end = simClock.now();

    const calls = auditRequests(before);
    expect(calls.length).toBeGreaterThan(0);
    expect(calls[0]!.headers.authorization).toBe(`ApiKey ${sim.demo.apiKey}`);

    const listed = await core.listAuditEvents('lab', { limit: 10_000 });
    expect(listed).toMatchObject({ stale: false, offline: false });
    expect(result.audit).toBe(listed.data.length);
    expectWindow(listed.data, WINDOW_DAYS, start, end);

    const times = listed.data.map((e) => Date.parse(e.createdDate));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    for (const e of listed.data) {
      expect(e).toMatchObject({ id: expect.any(String), eventName: expect.any(String), userName: expect.any(String), entityType: expect.any(String), caseId: expect.any(String) });
      expect(e.createdDate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);
    }

    // limit and since narrow the cached list without the network.
    const quiet = sim.requests.length;
    expect((await core.listAuditEvents('lab', { limit: 5 })).data).toEqual(listed.data.slice(0, 5));
    const since = new Date(SIM_NOW - 7 * DAY).toISOString();
    expect((await core.listAuditEvents('lab', { since, limit: 10_000 })).data).toEqual(listed.data.filter((e) => e.createdDate >= since));
    expect(sim.requests.length).toBe(quiet);
    await core.dispose();
  });

  it('filters by case id or display id', async () => {
    const { core } = auditCore();
    await addKeyProfile(core, sim);
    await core.sync('lab', { auditDays: WINDOW_DAYS });
    const all = (await core.listAuditEvents('lab', { limit: 10_000 })).data;
    const target = sim.data.cases().find((c) => all.filter((e) => e.caseId === c.id).length >= 2)!;
    expect(target).toBeDefined();
    const expected = all.filter((e) => e.caseId === target.id);

    expect((await core.listAuditEvents('lab', { caseId: target.displayId })).data).toEqual(expected);
    expect((await core.listAuditEvents('lab', { caseId: target.id })).data).toEqual(expected);
    expect((await core.listAuditEvents('lab', { caseId: 'CASE-999999' })).data).toEqual([]);
    await expect(core.listAuditEvents('lab', { limit: 0 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await core.dispose();
  });

  it('a window of 0 (the default) never calls the audit service and caches nothing', async () => {
    const { core } = auditCore();
    await addKeyProfile(core, sim);
    const before = sim.requests.length;
    const result = await core.sync('lab');
    expect(result.cases).toBe(sim.data.cases().length);
    expect(result.audit).toBeUndefined();
    expect(auditRequests(before)).toEqual([]);
    expect((await core.listAuditEvents('lab')).data).toEqual([]);

    // The per-run override wins over the setting, both ways.
    await core.updateSettings({ syncAuditDays: WINDOW_DAYS });
    const again = sim.requests.length;
    await core.sync('lab', { auditDays: 0 });
    expect(auditRequests(again)).toEqual([]);
    await core.dispose();
  });

  it('a failing audit service still completes the sync', async () => {
    const { core } = auditCore();
    await addKeyProfile(core, sim);
    sim.faults.add({ match: { path: '/als/api/v1/auditlogs/search' }, times: Infinity, fault: { kind: 'status', status: 500 } });
    const before = sim.requests.length;
    const result = await core.sync('lab', { auditDays: WINDOW_DAYS });
    expect(auditRequests(before).length).toBeGreaterThan(0);
    expect(result).toMatchObject({ cases: sim.data.cases().length, audit: 0 });
    expect((await core.listAuditEvents('lab')).data).toEqual([]);
    expect(await core.getCacheStatus('lab')).toMatchObject({ cases: sim.data.cases().length });
    await core.dispose();
  });
});

describe('tessera audit', () => {
  let cli: Cli;

  beforeAll(async () => {
    await ensureCliBuilt();
    cli = Cli.fresh('audit-cli');
    const r = await cli.run(['profile', 'add', 'lab', ...profileFlags(sim), '--api-key-stdin'], { input: `${sim.demo.apiKey}\n` });
    expect(r.code).toBe(0);
  }, 120_000);

  afterAll(() => {
    assertNoSecrets(cli.outputs, simSecrets(sim));
  });

  it('without a cached audit log: an empty table and a hint on stderr', async () => {
    expect((await cli.run(['sync', 'lab'], { timeoutMs: 60_000 })).code).toBe(0);
    const r = await cli.run(['audit', 'lab']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^TIME\s+EVENT\s+USER\s+ENTITY\s*$/);
    expect(r.stderr).toMatch(/no audit log is cached for lab; enable it with --audit-days .* or the syncAuditDays setting/);
  });

  it('sync --audit-days asks the audit service for that window', async () => {
    const before = sim.requests.length;
    const now = Date.now();
    const r = await cli.run(['sync', 'lab', '--audit-days', '3'], { timeoutMs: 60_000 });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^synced lab: \d+ cases, \d+ test definitions, 0 audit events in \d+\.\d s\n$/);
    const calls = auditRequests(before);
    expect(calls.length).toBeGreaterThan(0);
    const from = Date.parse(String(calls[0]!.query.fromDate).replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
    expect(Math.abs(from - (now - 3 * DAY))).toBeLessThan(60_000);

    const bad = await cli.run(['sync', 'lab', '--audit-days', '400']);
    expect(bad.code).not.toBe(0);
  });

  it('prints the cached events as a table and as JSON, offline, and filters by case', async () => {
    // Fill the CLI's cache with a window that holds events: an in-process core on the same
    // data directory and secret store, on the shifted clock.
    const secrets = await openSecretStore({ dataDir: cli.home, env: { ...process.env, TESSERA_HOME: cli.home } });
    const { core } = auditCore({ dataDir: cli.home, secrets });
    await core.sync('lab', { auditDays: WINDOW_DAYS });
    const cached = (await core.listAuditEvents('lab', { limit: 10_000 })).data;
    await core.dispose();
    expect(cached.length).toBeGreaterThan(0);

    const before = sim.requests.length;
    const json = await cli.run(['audit', 'lab', '--json', '--limit', '10000']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual(cached);
    expect(json.stderr).not.toMatch(/no audit log/);

    const table = await cli.run(['audit', 'lab', '--limit', '3']);
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^TIME\s+EVENT\s+USER\s+ENTITY/);
    expect(lines).toHaveLength(4);
    expect(lines[1]).toContain(cached[0]!.eventName);
    expect(lines[1]).toContain(cached[0]!.userName!);

    const caseId = cached[0]!.caseId!;
    const byCase = await cli.run(['audit', 'lab', '--case', caseId, '--json']);
    expect((JSON.parse(byCase.stdout) as AuditEvent[]).every((e) => e.caseId === caseId)).toBe(true);
    expect(sim.requests.length).toBe(before);
  });
});

/**
 * The simulator's data is generated relative to today (deterministic for one seed and
 * one day), so the demo tells a true story: open cases are due ahead, a recent audit
 * window holds events, and `tessera audit` after `tessera sync --audit-days 365` lists
 * them. Its standalone command leaves no key file behind when it stops.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSim, type Sim } from '../../sim/index.js';
import { newDataDir, recordSecret } from '../helpers/env.js';
import { assertNoSecrets, Cli, ensureCliBuilt, profileFlags, ROOT, simSecrets } from './cli-harness.js';

const DAY = 86_400_000;
let sim: Sim;

beforeAll(async () => {
  sim = await startSim({ port: 0, cases: 600, seed: 5, onSecretIssued: recordSecret });
});
afterAll(async () => {
  await sim.close();
});

describe('simulator data relative to today', () => {
  it('ends at today\'s midnight (UTC): recent open cases are due ahead, and the last month holds audit events', async () => {
    const today = new Date();
    expect(sim.dataEnd).toBe(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()));
    const cases = sim.data.cases();
    const newest = Math.max(...cases.map((c) => Date.parse(c.createdDate)));
    expect(Date.now() - newest).toBeLessThan(7 * DAY);
    const recentOpen = cases.filter((c) => (c.status === 'New' || c.status === 'In Progress') && Date.now() - Date.parse(c.createdDate) < 30 * DAY);
    expect(recentOpen.length).toBeGreaterThan(0);
    const dueAhead = recentOpen.filter((c) => c.dueDate !== null && Date.parse(c.dueDate) > Date.now());
    expect(dueAhead.length / recentOpen.length).toBeGreaterThan(0.5);
  });

  it('is the same for one seed and one day, and moves with the day', async () => {
    const a = await startSim({ port: 0, cases: 50, seed: 5, dataEnd: '2026-01-15', onSecretIssued: recordSecret });
    const b = await startSim({ port: 0, cases: 50, seed: 5, dataEnd: '2026-01-15', onSecretIssued: recordSecret });
    const c = await startSim({ port: 0, cases: 50, seed: 5, dataEnd: '2026-01-25', onSecretIssued: recordSecret });
    try {
      expect(b.data.cases()).toEqual(a.data.cases());
      const shift = (x: Sim) => x.data.cases().map((k) => Date.parse(k.createdDate));
      expect(shift(c).map((t, i) => t - shift(a)[i]!)).toEqual(shift(a).map(() => 10 * DAY));
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });
});

describe('tessera audit after a sync with a window', () => {
  let cli: Cli;
  beforeAll(async () => {
    await ensureCliBuilt();
    cli = Cli.fresh('sim-dates');
    const r = await cli.run(['profile', 'add', 'demo', ...profileFlags(sim), '--api-key-stdin'], { input: `${sim.demo.apiKey}\n` });
    expect(r.code).toBe(0);
  }, 120_000);
  afterAll(() => {
    assertNoSecrets(cli.outputs, simSecrets(sim));
  });

  it('sync --audit-days 365 caches the year\'s events and audit lists them', async () => {
    const synced = await cli.run(['sync', 'demo', '--audit-days', '365'], { timeoutMs: 60_000 });
    expect(synced.code).toBe(0);
    const events = Number(/(\d+) audit events/.exec(synced.stdout)?.[1]);
    expect(events).toBeGreaterThan(0);
    const listed = await cli.run(['audit', 'demo', '--json', '--limit', '10000']);
    expect(listed.code).toBe(0);
    expect((JSON.parse(listed.stdout) as unknown[]).length).toBe(events);
    expect(listed.stderr).not.toMatch(/enable it with --audit-days/);
  }, 120_000);

  it('a window that holds no events says so, instead of asking to enable what was just enabled', async () => {
    const quiet = await startSim({ port: 0, cases: 40, seed: 6, dataEnd: '2024-03-01', onSecretIssued: recordSecret });
    try {
      const other = Cli.fresh('sim-dates-quiet');
      expect((await other.run(['profile', 'add', 'old', ...profileFlags(quiet), '--api-key-stdin'], { input: `${quiet.demo.apiKey}\n` })).code).toBe(0);
      expect((await other.run(['sync', 'old', '--audit-days', '7'], { timeoutMs: 60_000 })).code).toBe(0);
      const r = await other.run(['audit', 'old']);
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/the audit log of old has no events in the 7 days before \d{4}-\d\d-\d\d/);
      expect(r.stderr).not.toMatch(/enable it/);
      assertNoSecrets(other.outputs, simSecrets(quiet));
    } finally {
      await quiet.close();
    }
  }, 120_000);
});

describe('npm run sim', () => {
  it('removes its demo key file when it stops', async () => {
    const keyDir = mkdtempSync(join(newDataDir('sim-cli'), 'keys-'));
    const child = spawn(process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'sim/cli.ts', '--port', '0', '--cases', '20', '--key-dir', keyDir], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += String(d);
        if (out.includes('Press Ctrl-C to stop.')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`simulator exited early (${code})`)));
    });
    const keyFile = join(keyDir, 'demo-api-key.txt');
    expect(existsSync(keyFile)).toBe(true);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    expect(existsSync(keyFile)).toBe(false);
  }, 60_000);
});

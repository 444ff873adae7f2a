/**
 * A sync killed halfway (a real child process, SIGKILL) leaves a cache that opens,
 * passes SQLite's integrity check, still holds every case of the last complete sync,
 * and is brought to the server's exact state by the next sync (which also breaks the
 * dead process's sync lock). The child writes pages as the CLI and the app do: on the
 * cache writer's thread (the built cache-writer.mjs), several pages per transaction, so
 * the batches committed before the kill are kept and nothing else is.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openConfigStore } from '../../src-core/config/store.js';
import { openCache } from '../../src-core/cache/store.js';
import { addKeyProfile, startTestSim } from '../helpers/tessera.js';
import { makeCacheCore, readCachedCases, serverRows, type Sim } from '../fixtures/cache/core.js';
import { cacheKeySlot, ownerOf } from '../helpers/slots.js';

const CHILD = fileURLToPath(new URL('../fixtures/cache/sync-child.ts', import.meta.url));
const WRITER = fileURLToPath(new URL('../../out/cli/cache-writer.mjs', import.meta.url));
const BATCH = 2000;
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let sim: Sim;

beforeAll(async () => {
  sim = await startTestSim({ cases: 12_000, seed: 12 });
});
afterAll(async () => {
  await sim.close();
});

it('a sync killed halfway leaves a consistent cache that the next sync completes', async () => {
  const setup = makeCacheCore();
  await addKeyProfile(setup.core, sim);
  await setup.core.sync('lab');
  const profileId = (await openConfigStore(setup.dataDir).read()).profiles[0]!.id;
  const before = await readCachedCases(setup.dataDir, profileId, setup.secrets);
  const syncedAt = (await setup.core.getCacheStatus('lab')).syncedAt;
  await setup.core.dispose();

  sim.data.addCases(500);
  sim.data.updateCases(800);
  const removed = sim.data.removeCases(300);
  // Slow pages so the child is surely in the middle when it is killed.
  sim.faults.add({ match: { path: /cases\/search/ }, times: Infinity, fault: { kind: 'delay', ms: 150 } });

  expect(existsSync(WRITER), 'the CLI build (npm test builds it) emits the cache writer').toBe(true);
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, setup.dataDir, 'lab', WRITER, String(BATCH)], { cwd: ROOT, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`child made no progress: ${out} ${err}`)), 60_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const done = [...out.matchAll(/progress cases (\d+) (\d+)/g)].map((m) => Number(m[1]));
      if (done.some((n) => n >= 4000)) {
        clearTimeout(timer);
        child.kill('SIGKILL');
        resolve();
      }
    });
  });
  expect(await exited).toBe('SIGKILL');
  expect(out).not.toMatch(/^done/m);
  expect(err).not.toMatch(/writer thread unavailable/);
  sim.faults.clear();

  // The cache opens, is intact, and still has everything of the last complete sync (nothing swept).
  const { store } = await openCache({ dataDir: setup.dataDir, profileId, key: cacheKeySlot(setup.secrets, await ownerOf(setup.dataDir, profileId)), onCorrupt: 'throw' });
  expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
  expect(store.syncedAt).toBe(syncedAt);
  const ids = new Set((store.db.prepare('SELECT id FROM cases').pluck().all() as string[]));
  for (const id of before.keys()) expect(ids.has(id)).toBe(true);
  const pending = Number(store.meta('pending_generation'));
  expect(pending).toBeGreaterThan(0);
  // Progress counts committed cases: the 4000 reported before the kill are kept, not lost.
  expect(store.db.prepare('SELECT count(*) FROM cases WHERE generation = ?').pluck().get(pending)).toBeGreaterThanOrEqual(4000);
  store.close();

  // The next sync (another process, the dead one's lock still on disk) completes.
  const next = makeCacheCore({ dataDir: setup.dataDir, secrets: setup.secrets });
  const result = await next.core.sync('lab');
  expect(result.removed).toBe(removed.filter((c) => before.has(c.id)).length);
  const after = await readCachedCases(setup.dataDir, profileId, setup.secrets);
  expect(after).toEqual(serverRows(sim.data.cases()));
  await next.core.dispose();
}, 120_000);
